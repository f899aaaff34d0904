"""The demo organisation: teams, staff, managers, HR, requirements and a history of evidence."""

import datetime

from django.contrib.auth.models import Group
from django.utils import timezone

from modules import services as module_services
from modules.models import ModulePage, PolicyPage
from modules.versions import policy_snapshot_for_page
from portal.accounts.models import User
from portal.compliance import projection
from portal.compliance.models import EvidenceEntry, Requirement
from portal.compliance.requirement_history import requirement_history_begin
from portal.compliance.services import evidence_record
from portal.people.history import staff_changes_record
from portal.people.models import Assignment, StaffMember, Team, TeamManager
from portal.people.roles import hr_group
from portal.people.team_history import team_history_begin
from quizzes import services as quiz_services

from .people import DEMO_PASSWORD, PEOPLE, TEAMS

SAFEGUARDING = ["Safeguarding Adults Level 1", "Safeguarding Children Level 1"]
# The Core Skills Training Framework's subjects, as a trust sets them: (name, renewal in months, audience, level).
# Level 2 safeguarding is for clinical staff groups, level 3 for named safeguarding roles; a higher level satisfies
# the lower ones of its family (Requirement.level_family), so a Level 3 completion counts for Levels 1 and 2 too.
CLINICAL_STAFF_GROUPS = [
    "Nursing and Midwifery Registered",
    "Allied Health Professionals",
    "Medical and Dental",
    "Additional Clinical Services",
    "Add Prof Scientific and Technic",
]
SAFEGUARDING_ROLES = ["*Safeguarding*"]
CSTF = [
    ("Data Security Awareness Level 1", 12, {}, ("", None)),
    ("Safeguarding Adults Level 1", 36, {}, ("Safeguarding Adults", 1)),
    ("Safeguarding Children Level 1", 36, {}, ("Safeguarding Children", 1)),
    ("Safeguarding Adults Level 2", 36, {"staff_groups": CLINICAL_STAFF_GROUPS}, ("Safeguarding Adults", 2)),
    ("Safeguarding Children Level 2", 36, {"staff_groups": CLINICAL_STAFF_GROUPS}, ("Safeguarding Children", 2)),
    ("Safeguarding Adults Level 3", 36, {"job_title_patterns": SAFEGUARDING_ROLES}, ("Safeguarding Adults", 3)),
    ("Safeguarding Children Level 3", 36, {"job_title_patterns": SAFEGUARDING_ROLES}, ("Safeguarding Children", 3)),
    ("Preventing Radicalisation (Prevent) Basic Awareness", 36, {}, ("", None)),
]
# Modules required of some people only: running official accounts is for Communications and Engagement (team codes)
# and, by job title, whoever owns an official account in another team; the managers' module for managers, as far as a
# job title can tell.
MODULE_TEAMS = {"representing-the-ccg-officially": ["COMMS"]}
MODULE_JOB_TITLES = {
    "representing-the-ccg-officially": ["*Social Media*", "*Digital Communications*"],
    "supporting-your-team-online": ["Head of*", "*Manager*", "Director*"],
}


def teams(report) -> dict[str, Team]:
    by_code = {team.code: team for team in Team.objects.all()}
    for code, name, kind, parent_code in TEAMS:
        if code in by_code:
            continue
        if parent_code is None:
            by_code[code] = Team.add_root(code=code, name=name, kind=kind)
        else:
            parent = Team.objects.get(pk=by_code[parent_code].pk)  # fresh: treebeard caches child counts
            by_code[code] = parent.add_child(code=code, name=name, kind=kind)
        report.note(True, f"team {name}")
    # The demo's tree stands for all its history (its people started years ago): one row each, effective always.
    team_history_begin(by_code.values())
    return by_code


def requirements(policy: PolicyPage, modules: list[ModulePage], report) -> dict[str, Requirement]:
    # In force since before anyone in the demo started, as a trust's mandatory training is.
    introduced_on = timezone.localdate() - datetime.timedelta(days=max(person.started_days_ago for person in PEOPLE))
    wanted = [
        (
            f"{policy.title}: annual attestation",
            {"kind": Requirement.ATTEST_POLICY, "page": policy, "renewal_months": 12, "new_starter_days": 28},
        ),
        *[
            (
                f"Module: {module.title}",
                {
                    "kind": Requirement.COMPLETE_MODULE,
                    "page": module,
                    "renewal_months": None,
                    "new_starter_days": 28,
                    "applies_to_everyone": module.slug not in MODULE_TEAMS | MODULE_JOB_TITLES,
                    "job_title_patterns": MODULE_JOB_TITLES.get(module.slug, []),
                },
            )
            for module in modules
        ],
        *[
            (
                name,
                {
                    "kind": Requirement.EXTERNAL_COURSE,
                    "renewal_months": renewal,
                    "new_starter_days": 28,
                    "applies_to_everyone": not audience,
                    "level_family": family,
                    "level": level,
                    **audience,
                },
            )
            for name, renewal, audience, (family, level) in CSTF
        ],
    ]
    result = {}
    for name, fields in wanted:
        result[name], created = Requirement.objects.get_or_create(
            name=name, defaults={**fields, "introduced_on": introduced_on}
        )
        if created:
            report.note(True, f"requirement {name}")
            page = fields.get("page")
            if page is not None and page.slug in MODULE_TEAMS:
                result[name].teams.set(Team.objects.filter(code__in=MODULE_TEAMS[page.slug]))
    # The demo's requirements stand for all their history, as its tree does: one row each, effective always.
    requirement_history_begin(result.values())
    return result


def people(policy: PolicyPage, modules: list[ModulePage], team_by_code, reqs, report) -> None:
    snapshot = policy_snapshot_for_page(policy, material=True, change_reason="First published version.")
    today = timezone.localdate()
    new_staff = []
    for person in PEOPLE:
        if StaffMember.objects.filter(employee_number=person.employee_number).exists():
            report.note(False, f"person {person.email}")
            continue
        user = User.objects.filter(email=person.email).first() or User.objects.create_user(
            email=person.email, password=DEMO_PASSWORD, first_name=person.first_name, last_name=person.last_name
        )
        staff = StaffMember.objects.create(
            user=user,
            employee_number=person.employee_number,
            first_name=person.first_name,
            last_name=person.last_name,
            work_email=person.email,
            job_title=person.job_title,
            staff_group=person.staff_group,
            team=team_by_code[person.team],
            start_date=today - datetime.timedelta(days=person.started_days_ago),
            employment_type=person.employment_type,
        )
        Assignment.objects.create(
            staff=staff, number=person.employee_number, team=staff.team, start_date=staff.start_date
        )
        if person.second_post:
            second = team_by_code[person.second_post]
            Assignment.objects.create(
                staff=staff, number=f"{person.employee_number}-2", team=second, start_date=staff.start_date
            )
        for code in person.manages:
            TeamManager.objects.create(staff=staff, team=team_by_code[code])
        if person.hr:
            user.groups.add(hr_group())
        if person.cms_group:
            user.groups.add(Group.objects.get(name=person.cms_group))
        new_staff.append((person, staff, user))
        report.note(True, f"person {person.email}")
    for person, staff, _ in new_staff:
        if person.manager_email:
            staff.line_manager = StaffMember.objects.filter(work_email=person.manager_email).first()
            staff.save(update_fields=["line_manager"])
    staff_changes_record([staff for _, staff, _ in new_staff])
    for person, staff, user in new_staff:
        _history(person, staff, user, modules, snapshot, reqs)
    projection.refresh()


def _history(person, staff, user, modules, snapshot, reqs) -> None:
    now = timezone.now()
    for module in modules[: person.modules_done]:
        _complete_module(user, module)
    if person.attested_days_ago is not None:
        evidence_record(
            staff=staff,
            requirement=next(r for r in reqs.values() if r.kind == Requirement.ATTEST_POLICY),
            source=EvidenceEntry.ATTESTATION,
            source_ref=snapshot.attestation_ref,
            idempotency_key=f"demo:attest:{person.employee_number}",
            completed_at=now - datetime.timedelta(days=person.attested_days_ago),
            recorded_by=user,
            snapshot=snapshot,
        )
    if person.safeguarding_days_ago is not None:
        for name in SAFEGUARDING:
            evidence_record(
                staff=staff,
                requirement=reqs[name],
                source=EvidenceEntry.IMPORT,
                source_ref="demo history: national e-learning record",
                idempotency_key=f"demo:safeguarding:{person.employee_number}:{name}",
                completed_at=now - datetime.timedelta(days=person.safeguarding_days_ago),
            )


def _complete_module(user: User, module: ModulePage) -> None:
    """Work through a module as a diligent learner would: each scenario answered as expected, quiz passed."""
    for child in module.scenario_blocks():
        expected = next(i for i, option in enumerate(child.value["options"]) if option["expected"])
        module_services.scenario_response_record(user=user, page=module, block_id=child.id, option_index=expected)
    if module.quiz:
        attempt = quiz_services.attempt_start(user=user, quiz=module.quiz, page=module)
        answers = {q.id: sorted(q.correct_ids) for q in attempt.frozen_questions()}
        quiz_services.attempt_submit(attempt=attempt, answers=answers)
        module_services.module_completion_record_if_complete(user=user, page=module)
