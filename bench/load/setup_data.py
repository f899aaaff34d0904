"""Setup for the load run, inside Django: schema, demo content, bench staff, and what the clients need to know.

Everything here leaves what is already there alone, so a second run on the same database only adds what is missing.
"""

import time

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import transaction

BENCH_PASSWORD = "load-run-password-2026"  # noqa: S105 - local load run only, on a scratch database
BENCH_TEAM_CODE = "LOADRUN"
EMAIL = "load.staff.{:03d}@example.nhs.uk"


def prepare(n_staff: int, log) -> dict:
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    log(f"  migrate and cache table: {time.perf_counter() - started:.1f}s")

    step = time.perf_counter()
    call_command("collectstatic", verbosity=0, interactive=False)
    log(f"  collectstatic into {settings.STATIC_ROOT}: {time.perf_counter() - step:.1f}s")

    step = time.perf_counter()
    from portal.demo.loader import load_demo

    report = load_demo()
    log(f"  demo content: {len(report.created)} created, {len(report.kept)} kept ({time.perf_counter() - step:.1f}s)")

    step = time.perf_counter()
    created = _bench_staff(n_staff)
    scenarios = _scenarios_done()
    log(
        f"  bench staff: {created} created, scenarios pre-answered: {scenarios} responses "
        f"({time.perf_counter() - step:.1f}s)"
    )
    return _plan(n_staff)


def _bench_staff(n_staff: int) -> int:
    from portal.accounts.models import User
    from portal.compliance import projection
    from portal.people.history import staff_changes_record
    from portal.people.models import StaffMember, Team

    encoded = make_password(BENCH_PASSWORD)  # hashed once; every bench account shares the encoded string
    new = []
    with transaction.atomic():
        team = Team.objects.filter(code=BENCH_TEAM_CODE).first()
        if team is None:
            root = Team.objects.get(code="WCCG")
            team = root.add_child(code=BENCH_TEAM_CODE, name="Load run staff", kind=Team.TEAM)
        today = _today()
        for number in range(n_staff):
            email = EMAIL.format(number)
            if StaffMember.objects.filter(work_email=email).exists():
                continue
            user = User.objects.create(email=email, password=encoded, first_name="Load", last_name=f"Staff {number}")
            new.append(
                StaffMember.objects.create(
                    user=user,
                    employee_number=f"LOAD{number:05d}",
                    first_name="Load",
                    last_name=f"Staff {number}",
                    work_email=email,
                    job_title="Administrator",
                    staff_group="Administrative and Clerical",
                    team=team,
                    start_date=today.replace(year=today.year - 1),
                )
            )
        if new:
            staff_changes_record(new)
            projection.refresh(staff_ids=[s.pk for s in new])
    return len(new)


def _scenarios_done() -> int:
    """Each bench person has answered every scenario of every module as expected, so a passed quiz completes the
    module (the load exercises the quiz and the completion it records, not the scenario pages)."""
    from modules.models import ModulePage, ScenarioResponse
    from portal.accounts.models import User

    users = list(User.objects.filter(email__startswith="load.staff."))
    done = set(
        ScenarioResponse.objects.filter(user__in=users, expected=True).values_list("user_id", "page_id", "block_id")
    )
    rows = []
    for page in ModulePage.objects.live():
        for block in page.scenario_blocks():
            index = next(i for i, option in enumerate(block.value["options"]) if option["expected"])
            option = block.value["options"][index]
            rows.extend(
                ScenarioResponse(
                    user=user,
                    page=page,
                    block_id=block.id,
                    option_index=index,
                    option_text=option["text"],
                    expected=True,
                )
                for user in users
                if (user.pk, page.pk, block.id) not in done
            )
    ScenarioResponse.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _plan(n_staff: int) -> dict:
    from modules.models import ModuleCompletion, ModulePage
    from portal.compliance.models import EvidenceEntry, Requirement
    from portal.people.models import StaffMember
    from quizzes.models import Attempt, Choice

    staff = StaffMember.objects.filter(team__code=BENCH_TEAM_CODE).select_related("user").order_by("employee_number")
    people = [{"email": s.work_email, "user_id": s.user_id, "staff_id": s.pk} for s in staff][:n_staff]
    modules = [
        {"page_id": page.pk, "url": page.url, "title": page.title}
        for page in ModulePage.objects.live().order_by("path")
        if page.quiz is not None
    ]
    return {
        "password": BENCH_PASSWORD,
        "people": people,
        "modules": modules,
        # The clients answer from the question bank, as someone who has read the module would (mostly).
        "answer_key": {str(pk): correct for pk, correct in Choice.objects.values_list("pk", "is_correct")},
        "attest_requirement_ids": list(
            Requirement.objects.filter(kind=Requirement.ATTEST_POLICY, active=True).values_list("pk", flat=True)
        ),
        "baseline": {
            "ledger_seq": EvidenceEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0,
            "attempt_max_id": Attempt.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
            "completion_max_id": ModuleCompletion.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        },
    }
