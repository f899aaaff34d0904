"""Background tasks on Redis (TASKS_BACKEND=redis): two real RQ workers, started as production starts them
(`manage.py rqworker --job-class django_tasks_rq.Job default`), take an evidence pack, an import and two reminder
runs for one day, each asked for through the portal's own page or command, and each is done exactly once.

PostgreSQL only: the workers are other processes, and pytest's SQLite test database lives in this one's memory."""

import datetime
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.compliance.imports.tasks import import_apply_task
from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch, ReminderLog
from portal.compliance.projection import refresh
from portal.compliance.tasks import send_reminders_task
from portal.people.roles import hr_group
from portal.reports.models import EvidencePack
from portal.reports.tasks import evidence_pack_build_task
from tests import dbrole, factories
from tests.compliance.test_completions import ADULTS, CHILDREN, esr

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the RQ workers are other processes, and the SQLite test database is in this one's memory",
)

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
CLAIM_KEY = "portal:scaleout-test:claim"
WORKER_START_SECONDS = 60
WORK_SECONDS = 180


@pytest.fixture
def redis_url():
    """A Redis database of this run's own (numbers 15 down to 1; 0 is left to a demo): claimed with a key that only
    one run can set, and used only if nothing else is in it, so parallel runs never share a queue. Emptied after."""
    import redis

    try:
        redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT} ({error}): start it to test tasks on Redis")
    run = uuid.uuid4().hex
    for number in range(15, 0, -1):
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number)
        if client.set(CLAIM_KEY, run, nx=True, ex=3600):
            if client.dbsize() == 1:
                break
            client.delete(CLAIM_KEY)  # another program's keys are there: leave that database alone
        client.close()
    else:
        pytest.fail(f"Every Redis database from 1 to 15 at {REDIS_HOST}:{REDIS_PORT} is in use: none for this run.")
    try:
        yield f"redis://{REDIS_HOST}:{REDIS_PORT}/{number}"
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def stores(settings, tmp_path):
    """The pack files and receipts of this test, where its workers write them too."""
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    settings.PORTAL_RECEIPT_DIR = str(tmp_path / "receipts")
    return tmp_path


@pytest.fixture
def rq_workers(transactional_db, settings, redis_url, stores):
    """Two `manage.py rqworker` processes on the test database (as the app role), and this process's tasks
    enqueued on their Redis; the workers are stopped as RQ is told to stop (SIGTERM: finish the job in hand)."""
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.scaleout.worker_settings",
        "TASKS_BACKEND": "redis",
        "TASKS_REDIS_URL": redis_url,
        "SCALEOUT_DATABASE_NAME": connection.settings_dict["NAME"],
        "SCALEOUT_DATABASE_ROLE": dbrole.APP_ROLE,
        "SCALEOUT_PRIVATE_ROOT": settings.STORAGES["private"]["OPTIONS"]["location"],
        "SCALEOUT_RECEIPT_DIR": settings.PORTAL_RECEIPT_DIR,
    }
    run = uuid.uuid4().hex[:8]
    workers = {f"scaleout-{run}-{n}": stores / f"worker-{n}.log" for n in (1, 2)}
    processes = []
    try:
        for name, log in workers.items():
            command = [sys.executable, "manage.py", "rqworker", "--job-class", "django_tasks_rq.Job", "--name", name]
            with log.open("wb") as out:
                processes.append(
                    subprocess.Popen(
                        [*command, "default"],
                        cwd=django_settings.BASE_DIR,
                        env=environment,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )
        _wait(
            lambda: set(workers) <= {worker.name for worker in _rq_workers()},
            WORKER_START_SECONDS,
            "both workers to start",
            workers,
            processes,
        )
        yield workers, processes
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _queue():
    import django_rq

    return django_rq.get_queue("default")


def _rq_workers():
    from rq import Worker

    return Worker.all(connection=_queue().connection)


def _job_ids(queue) -> list[str]:
    """Every job enqueued on this run's Redis database, whatever became of it."""
    keys = (key.decode().removeprefix("rq:job:") for key in queue.connection.scan_iter("rq:job:*"))
    return [job_id for job_id in keys if ":" not in job_id]


def _all_jobs_ended(queue) -> bool:
    from rq.job import Job, JobStatus

    jobs = Job.fetch_many(_job_ids(queue), connection=queue.connection)
    return bool(jobs) and all(job and job.get_status() in {JobStatus.FINISHED, JobStatus.FAILED} for job in jobs)


def _logs(workers: dict[str, Path]) -> str:
    return "\n".join(f"--- {name}:\n{log.read_text(errors='replace')[-3000:]}" for name, log in workers.items())


def _wait(done, seconds, what, workers, processes):
    deadline = time.monotonic() + seconds
    while not done():
        exited = [process.returncode for process in processes if process.poll() is not None]
        if exited or time.monotonic() > deadline:
            pytest.fail(f"Gave up waiting for {what} (workers exited: {exited}).\n{_logs(workers)}")
        time.sleep(0.2)


def _org(day):
    """HR (in a team of their own, out of both requirements' audiences), four nurses a week overdue on a requirement
    of theirs today, and three estates staff who start tomorrow and complete two courses through the import."""
    organisation = factories.make_team("Organisation", kind="organisation")
    wards = factories.make_team("Wards", parent=organisation)
    estates = factories.make_team("Estates", parent=organisation)
    hr = factories.make_staff(team=organisation, first_name="Hana", staff_group="Administrative and Clerical")
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    started = day - datetime.timedelta(days=35)  # due 28 days after starting: seven days overdue, the "after" stage
    nurses = [
        factories.make_staff(team=wards, first_name=f"Nurse{n}", staff_group="Nursing", start_date=started)
        for n in range(4)
    ]
    factories.make_requirement(name="Blood transfusion", applies_to_everyone=False, staff_groups=["Nursing"])
    tomorrow = day + datetime.timedelta(days=1)
    builders = [
        factories.make_staff(
            team=estates,
            employee_number=f"4000{n}",
            first_name=f"Builder{n}",
            last_name="Estates",
            staff_group="Estates and Ancillary",
            start_date=tomorrow,
        )
        for n in range(3)
    ]
    for name, course in (("Safeguarding Adults Level 1", ADULTS), ("Safeguarding Children Level 1", CHILDREN)):
        requirement = factories.make_requirement(
            name=name, renewal_months=36, applies_to_everyone=False, staff_groups=["Estates and Ancillary"]
        )
        CompetenceMapping.objects.create(competence_name=course, requirement=requirement)
    refresh()
    return organisation, hr, nurses, builders


def test_two_rq_workers_build_a_pack_apply_an_import_and_send_reminders_each_exactly_once(rq_workers, stores):
    workers, processes = rq_workers
    day = timezone.localdate()
    organisation, hr, nurses, builders = _org(day)
    client = factories.sign_in(Client(), hr.user)

    # An evidence pack, from HR's page.
    response = client.post(reverse("exports:pack_new"), {"team": organisation.pk, "as_at": ""})
    assert response.status_code == 302, response.content.decode()[:500]
    pack = EvidencePack.objects.get()
    # An import, uploaded and applied from HR's pages; a second click on "apply" asks for nothing more.
    rows = [
        f'"{staff.employee_number}|{staff.last_name}, {staff.first_name}","{course}",0{n}/06/2025,'
        for staff in builders
        for n, course in ((1, ADULTS), (2, CHILDREN))
    ]
    upload = SimpleUploadedFile("completions.csv", esr(*rows))
    assert client.post(reverse("imports:upload", args=["completions"]), {"file": upload}).status_code == 302
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:apply", args=[batch.pk]))
    again = client.post(reverse("imports:apply", args=[batch.pk]), follow=True).content.decode()
    assert "already being applied" in again or "already been applied" in again
    # Today's reminders, asked for twice (cron fired twice, or two machines' crons): two tasks, on two workers.
    for _ in range(2):
        out = io.StringIO()
        call_command("send_reminders", date=day.isoformat(), stdout=out)
        assert "queued as task" in out.getvalue() or "sent" in out.getvalue()

    queue = _queue()
    _wait(lambda: _all_jobs_ended(queue), WORK_SECONDS, "the tasks to finish", workers, processes)

    from django_tasks import default_task_backend

    results = [default_task_backend.get_result(job_id) for job_id in _job_ids(queue)]
    failures = [error.traceback for result in results for error in result.errors]
    assert failures == [], f"{failures}\n{_logs(workers)}"
    ours = (evidence_pack_build_task.name, import_apply_task.name, send_reminders_task.name)
    # (Wagtail's own tasks, keeping its reference index as rows are saved, share the queue.)
    assert Counter(result.task.name for result in results if result.task.name in ours) == {
        evidence_pack_build_task.name: 1,
        import_apply_task.name: 1,
        send_reminders_task.name: 2,
    }
    # Each ran once (one attempt each, by one of this test's workers), and both workers took work.
    assert all(len(result.worker_ids) == 1 for result in results), [r.worker_ids for r in results]
    assert {result.worker_ids[0] for result in results} == set(workers), _logs(workers)

    # The pack: made once, one PDF and one CSV in the private store.
    pack.refresh_from_db()
    assert pack.status == EvidencePack.DONE, pack.error
    made = sorted(path.suffix for path in (stores / "private" / "packs").rglob("*") if path.is_file())
    assert made == [".csv", ".pdf"]
    # The import: applied once, one ledger entry for each of its six rows.
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    refs = Counter(EvidenceEntry.objects.values_list("source_ref", flat=True))
    assert refs == {f"import batch {batch.pk} line {line}": 1 for line in range(2, 8)}
    # The reminders: each nurse told once, between the two runs; nobody else.
    assert sorted(ReminderLog.objects.values_list("staff_id", "stage")) == sorted(
        (nurse.pk, ReminderLog.AFTER) for nurse in nurses
    )
    returned = Counter()
    for result in results:
        if result.task.name == send_reminders_task.name:
            returned.update(result.return_value)
    assert returned == {ReminderLog.AFTER: len(nurses)}
