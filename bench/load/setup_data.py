"""Setup for the load run, inside Django: schema, demo content, bench staff, and what the clients need to know.

Everything here leaves what is already there alone, so a second run on the same database only adds what is missing.
"""

import math
import time

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import transaction

BENCH_PASSWORD = "load-run-password-2026"  # noqa: S105 - local load run only, on a scratch database
BENCH_TEAM_CODE = "LOADRUN"
EMAIL = "load.staff.{:03d}@example.nhs.uk"
# The submissions-only phase's people: never the journey's, so neither phase meets the other's open attempts.
SUBMITTER_EMAIL = "load.submit.{:04d}@example.nhs.uk"


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
    created = _bench_staff(n_staff, EMAIL, "LOAD{:05d}", "Staff {}")
    scenarios = _scenarios_done()
    log(
        f"  bench staff: {created} created, scenarios pre-answered: {scenarios} responses "
        f"({time.perf_counter() - step:.1f}s)"
    )
    return _plan(n_staff)


def _bench_staff(n_staff: int, email_pattern: str, number_pattern: str, name_pattern: str) -> int:
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
        there = set(StaffMember.objects.filter(team=team).values_list("work_email", flat=True))
        for number in range(n_staff):
            email = email_pattern.format(number)
            if email in there:
                continue
            last_name = name_pattern.format(number)
            user = User.objects.create(email=email, password=encoded, first_name="Load", last_name=last_name)
            new.append(
                StaffMember.objects.create(
                    user=user,
                    employee_number=number_pattern.format(number),
                    first_name="Load",
                    last_name=last_name,
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

    users = list(User.objects.filter(staff__team__code=BENCH_TEAM_CODE))
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

    staff = StaffMember.objects.filter(team__code=BENCH_TEAM_CODE, work_email__startswith="load.staff.")
    staff = staff.select_related("user").order_by("employee_number")
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


def prepare_submissions(n_attempts: int, clients: int, log) -> list[dict]:
    """People for the submissions-only phase, each holding an open attempt, made by `quizzes.services.attempt_start`,
    at every module whose completion they are required to have: at least `n_attempts` in all, over a multiple of
    `clients` people.

    Each attempt comes with the answers that pass it, so its first submission records the module's completion, the
    ledger entry for the one requirement that names the module and the person's status row for it, as a person's
    would and as the floor writes. Only modules named by exactly one requirement, which applies to the person, are
    used (one entry a submission, like the floor); setup stops if a person has none, has not worked through a
    module's scenarios (a pass would complete nothing), or if the right answers would not pass an attempt.
    """
    from django.utils import timezone

    from modules.models import ModulePage
    from modules.progress import scenarios_complete_for_user
    from portal.compliance.models import Requirement
    from portal.people.models import StaffMember
    from quizzes import scoring
    from quizzes.forms import field_name
    from quizzes.services import attempt_start

    step, began = time.perf_counter(), timezone.now()
    modules = [page for page in ModulePage.objects.live().order_by("path") if page.quiz is not None]
    # What module_completion_evidence records for a completion of each module.
    requirements = {
        page.pk: list(
            Requirement.objects.filter(page_id=page.pk, active=True)
            .exclude(kind=Requirement.ATTEST_POLICY)
            .prefetch_related("teams")
        )
        for page in modules
    }

    def required_modules(staff) -> list[ModulePage]:
        return [
            page for page in modules if len(requirements[page.pk]) == 1 and requirements[page.pk][0].applies_to(staff)
        ]

    _bench_staff(clients, SUBMITTER_EMAIL, "LOADS{:05d}", "Submitter {}")
    first = StaffMember.objects.select_related("team").get(work_email=SUBMITTER_EMAIL.format(0))
    per_person = len(required_modules(first))
    if not per_person:
        raise RuntimeError(f"{first.work_email} is on no requirement that a module's completion satisfies")
    n_people = clients * math.ceil(n_attempts / per_person / clients)
    created = _bench_staff(n_people, SUBMITTER_EMAIL, "LOADS{:05d}", "Submitter {}")
    _scenarios_done()

    emails = [SUBMITTER_EMAIL.format(number) for number in range(n_people)]
    staff = StaffMember.objects.filter(work_email__in=emails).select_related("user", "team").order_by("work_email")
    people, opened, kept = [], 0, 0
    for member in staff:
        mine = required_modules(member)
        if not mine:
            raise RuntimeError(f"{member.work_email} is on no requirement that a module's completion satisfies")
        attempts = []
        for page in mine:
            if not scenarios_complete_for_user(member.user, page):
                raise RuntimeError(f"{member.work_email} has not worked through the scenarios of {page.title}")
            attempt = attempt_start(user=member.user, quiz=page.quiz, page=page)
            if attempt.started_at < began:
                kept += 1  # left open by an earlier run: never submitted, so still a first submission
            else:
                opened += 1
            questions = attempt.frozen_questions()
            right = {q.id: sorted(q.correct_ids) for q in questions}
            if not scoring.mark_attempt(questions, right, attempt.pass_mark).passed:
                raise RuntimeError(f"attempt {attempt.pk}: its right answers do not pass it")
            attempts.append(
                {
                    "attempt_id": attempt.pk,
                    "page_id": page.pk,
                    "answers": {field_name(q): right[q.id] for q in questions},
                    "requirement_id": requirements[page.pk][0].pk,
                }
            )
        people.append(
            {"email": member.work_email, "user_id": member.user_id, "staff_id": member.pk, "attempts": attempts}
        )
    log(
        f"  submissions-only phase: {len(people)} people ({created} created), {per_person} required modules each; "
        f"{opened + kept} open attempts ({opened} started now by attempt_start, {kept} left open by an earlier run) "
        f"({time.perf_counter() - step:.1f}s)"
    )
    return people
