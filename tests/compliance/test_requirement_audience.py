"""Who a requirement applies to: everyone, staff groups, teams and the teams below, job titles or patterns such as
"Nurse*". The Python rule (`Requirement.applies_to`, used person by person and by reports as at a date) and the SQL
one (`projection.audience_ids`, used for a whole requirement at once) must agree, on awkward titles too."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.compliance import projection
from portal.compliance.asat import Moment, standings_as_at, statuses_as_at
from portal.compliance.models import Requirement, RequirementStatus, job_title_matches
from portal.compliance.services import requirement_save
from portal.people.history import staff_changes_record
from tests import factories
from tests.dbrole import as_owner

TITLES = [
    "Nurse",
    "nurse",
    "NURSE PRACTITIONER",
    "Staff Nurse",
    "Senior Staff Nurse (Band 6)",
    "Nursery Nurse",
    "Nurse\nManager",
    "Nurse_Lead",
    "Nurse%Lead",
    "Nurse.Lead",
    "Nurse*Lead",
    "Nurse\\Lead",
    "Nurse[1]",
    "Nurse+",
    "Nurse?",
    "Nurse^$",
    "Infirmière en chef",
    "INFIRMIÈRE DE NUIT",
    "Health Care Assistant",
    "",
]
PATTERNS = [
    "Nurse*",
    "*nurse",
    "*Nurse*",
    "nurse",
    "Nurse_Lead",
    "Nurse%Lead",
    "Nurse.Lead",
    "Nurse\\Lead",
    "Nurse[1]",
    "Nurse+",
    "Nurse?",
    "Nurse^$",
    "*(Band 6)",
    "Senior*Nurse*",
    "Infirmière*",
    "infirmière*",
    "*",
    "**",
    "Nurse",
]


@pytest.fixture
def staff_by_title(db):
    team = factories.make_team("Wards", kind="organisation")
    return {
        title: factories.make_staff(team=team, job_title=title, start_date=datetime.date(2020, 1, 1))
        for title in TITLES
    }


@pytest.mark.parametrize("pattern", PATTERNS)
def test_python_and_sql_agree_on_every_title(staff_by_title, pattern):
    requirement = factories.make_requirement(applies_to_everyone=False, job_title_patterns=[pattern])

    in_python = {staff.pk for staff in staff_by_title.values() if requirement.applies_to(staff)}

    assert projection.audience_ids(requirement) == in_python


@pytest.mark.parametrize(
    ("pattern", "title", "matches"),
    [
        ("Nurse*", "Nurse Practitioner", True),
        ("Nurse*", "nurse", True),
        ("Nurse*", "Staff Nurse", False),
        ("*Nurse", "Staff Nurse", True),
        ("*nurse*", "Senior Staff Nurse (Band 6)", True),
        ("Nurse", "Nurse Practitioner", False),
        ("Nurse_Lead", "NurseXLead", False),  # _ is not a wildcard
        ("Nurse%Lead", "NurseXLead", False),  # nor is %
        ("Nurse.Lead", "NurseXLead", False),  # nor is .
        ("Nurse?", "Nurses", False),  # nor is ?
        ("Nurse*", "Nurse\nManager", True),  # a line break is just a character
        ("Nurse", "Nurse\n", False),  # the whole title, to its very end
    ],
)
def test_a_star_is_the_only_wildcard_and_capitals_do_not_matter(pattern, title, matches):
    assert job_title_matches(pattern, title) is matches


def test_any_criterion_that_matches_makes_it_apply(db):
    wards = factories.make_team("Wards", kind="organisation")
    finance = factories.make_team("Finance", kind="organisation")
    by_group = factories.make_staff(team=finance, staff_group="Nursing", job_title="Clerk")
    by_team = factories.make_staff(team=wards, job_title="Clerk")
    by_title = factories.make_staff(team=finance, job_title="Midwife")
    nobody = factories.make_staff(team=finance, job_title="Clerk")
    requirement = factories.make_requirement(
        applies_to_everyone=False, staff_groups=["Nursing"], job_title_patterns=["Midwi*"]
    )
    requirement.teams.add(wards)

    assert projection.audience_ids(requirement) == {by_group.pk, by_team.pk, by_title.pk}
    assert not requirement.applies_to(nobody)


def test_patterns_must_be_a_list_of_visible_text(db):
    for patterns, wrong in [
        ("Nurse*", "List the job titles"),
        ([""], "cannot be blank"),
        (["Nurse\u200b"], "U\\+200B"),
    ]:
        requirement = Requirement(name="X", kind=Requirement.EXTERNAL_COURSE, job_title_patterns=patterns)
        with pytest.raises(ValidationError, match=wrong):
            requirement.full_clean()


def test_a_report_as_at_a_past_day_uses_the_job_title_the_roster_had_then(db):
    """The roster history keeps job titles: someone who became a nurse after the day was not in the audience on it."""
    team = factories.make_team("Wards", kind="organisation")
    person = factories.make_staff(team=team, job_title="Health Care Assistant", start_date=datetime.date(2020, 1, 1))
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        person.changes.update(recorded_at=timezone.now() - datetime.timedelta(days=30))
    requirement = factories.make_requirement(applies_to_everyone=False, job_title_patterns=["*Nurse*"])
    person.job_title = "Staff Nurse"
    person.save()
    staff_changes_record([person])
    projection.refresh()

    assert RequirementStatus.objects.filter(staff=person, requirement=requirement).exists()
    then = Moment.end_of(timezone.localdate() - datetime.timedelta(days=10))
    assert [rows for _, rows in statuses_as_at(then)] == [[]]
    assert [standings for _, standings in standings_as_at(then)] == [[]]
    now = Moment.now()
    assert [[row.requirement for row in rows] for _, rows in statuses_as_at(now)] == [[requirement]]
    assert [[r for r, _ in standings] for _, standings in standings_as_at(now)] == [[requirement]]


def test_a_roster_change_of_job_title_is_recorded_in_the_history(db):
    person = factories.make_staff(job_title="Health Care Assistant")
    person.job_title = "Staff Nurse"
    person.save()
    assert staff_changes_record([person]) == 1
    assert list(person.changes.values_list("job_title", flat=True)) == ["Health Care Assistant", "Staff Nurse"]


def test_changing_the_patterns_through_the_service_moves_the_rows(db):
    nurse = factories.make_staff(job_title="Staff Nurse", start_date=datetime.date(2020, 1, 1))
    porter = factories.make_staff(job_title="Porter", start_date=datetime.date(2020, 1, 1))
    hr = factories.make_user()
    requirement = Requirement(
        name="Manual handling",
        kind=Requirement.EXTERNAL_COURSE,
        applies_to_everyone=False,
        job_title_patterns=["*nurse"],
    )
    requirement_save(requirement=requirement, user=hr)
    assert set(RequirementStatus.objects.values_list("staff_id", flat=True)) == {nurse.pk}

    requirement.job_title_patterns = ["Porter"]
    changes = requirement_save(requirement=requirement, user=hr)

    assert changes["job_title_patterns"] == [["*nurse"], ["Porter"]]
    assert set(RequirementStatus.objects.values_list("staff_id", flat=True)) == {porter.pk}
