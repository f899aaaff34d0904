"""A person's status is judged from the person as read after their lock, not from the copy the caller read before
it: a roster apply that moves them in between (here, deterministically, an update of their row and their roster
history after the caller's read) leaves their status row and their runs agreeing with each other and with a full
rebuild, whichever way in (a completion, a correction, a pause) and for a level family too."""

import datetime

import pytest
from django.utils import timezone

from portal.compliance import projection
from portal.compliance.models import EvidenceEntry, RequirementStatus, StatusInterval
from portal.compliance.pauses import SICKNESS, pause_add
from portal.compliance.services import evidence_void
from portal.people.history import staff_changes_record
from portal.people.models import StaffMember
from tests import factories

LONG_AGO = datetime.date(2015, 4, 1)


@pytest.fixture
def trust(db):
    organisation = factories.make_team("Organisation", kind="organisation")
    return {
        "wards": factories.make_team("Wards", parent=organisation),
        "finance": factories.make_team("Finance", parent=organisation),
        "hr": factories.make_user(first_name="Hana", last_name="HR"),
    }


def _wards_only(trust, **fields):
    requirement = factories.make_requirement(applies_to_everyone=False, **fields)
    requirement.teams.set([trust["wards"]])
    return requirement


def _stale_copy_then_move(staff, team) -> StaffMember:
    """The caller's read of the person, then the roster apply that lands before the caller takes their lock."""
    stale = StaffMember.objects.select_related("team").get(pk=staff.pk)
    StaffMember.objects.filter(pk=staff.pk).update(team=team)
    staff_changes_record(StaffMember.objects.filter(pk=staff.pk))
    return stale


def _standing(requirements) -> tuple[dict, list]:
    rows = {
        (row.staff_id, row.requirement_id): (row.completed_on, row.expires_on, row.due_on, row.evidence_id)
        for row in RequirementStatus.objects.filter(requirement__in=requirements)
    }
    runs = list(
        StatusInterval.objects.filter(requirement__in=requirements)
        .order_by("staff_id", "requirement_id", "valid_from")
        .values_list("staff_id", "requirement_id", "valid_from", "valid_to", "state", "team_id", "completed_on")
    )
    return rows, runs


def _current_runs(requirements) -> dict:
    current = StatusInterval.objects.filter(
        requirement__in=requirements, valid_from__lte=timezone.localdate(), valid_to__gt=timezone.localdate()
    )
    return {(run.staff_id, run.requirement_id): (run.completed_on, run.expires_on, run.due_on) for run in current}


def _agrees_with_a_full_rebuild(requirements) -> None:
    incremental = _standing(requirements)
    rows = {key: value[:3] for key, value in incremental[0].items()}
    assert rows == _current_runs(requirements)  # the row and today's run tell the same story
    projection.refresh()
    assert _standing(requirements) == incremental


def _record(stale, requirement, trust):
    factories.make_completion(stale, requirement)


def _void(stale, requirement, trust):
    entry = EvidenceEntry.objects.filter(staff=stale, requirement=requirement).get()
    entry.staff = stale  # as a page that read the entry with its person before the move
    evidence_void(entry=entry, reason="Recorded against the wrong person", voided_by=trust["hr"])


def _pause(stale, requirement, trust):
    pause_add(
        staff=stale,
        requirements=[requirement],
        reason_code=SICKNESS,
        reason_text="",
        first_day=timezone.localdate() - datetime.timedelta(days=10),
        last_day=timezone.localdate() + datetime.timedelta(days=20),
        user=trust["hr"],
    )


WAYS_IN = {"completion": _record, "correction": _void, "pause": _pause}


@pytest.mark.parametrize("way_in", WAYS_IN)
@pytest.mark.parametrize("move", ["out of the audience", "into the audience"])
def test_a_move_between_the_callers_read_and_the_lock_is_judged_as_the_lock_found_it(trust, way_in, move):
    requirement = _wards_only(trust, new_starter_days=90)
    start, moved_to = ("wards", "finance") if move == "out of the audience" else ("finance", "wards")
    staff = factories.make_staff(team=trust[start], start_date=LONG_AGO)
    if way_in == "correction":
        factories.make_completion(staff, requirement)
    projection.refresh()

    stale = _stale_copy_then_move(staff, trust[moved_to])
    WAYS_IN[way_in](stale, requirement, trust)

    in_audience = moved_to == "wards"
    assert RequirementStatus.objects.filter(staff=staff, requirement=requirement).exists() == in_audience
    _agrees_with_a_full_rebuild([requirement])


def test_a_level_family_is_judged_as_the_lock_found_the_person(trust):
    level_1 = _wards_only(trust, name="Safeguarding Adults Level 1", level_family="Safeguarding Adults", level=1)
    level_2 = _wards_only(trust, name="Safeguarding Adults Level 2", level_family="Safeguarding Adults", level=2)
    staff = factories.make_staff(team=trust["finance"], start_date=LONG_AGO)
    projection.refresh()

    stale = _stale_copy_then_move(staff, trust["wards"])
    factories.make_completion(stale, level_2)  # satisfies level 1 too

    rows = {row.requirement_id: row.completed_on for row in RequirementStatus.objects.filter(staff=staff)}
    assert rows == {
        level_1.pk: timezone.localdate() - datetime.timedelta(days=1),
        level_2.pk: timezone.localdate() - datetime.timedelta(days=1),
    }
    _agrees_with_a_full_rebuild([level_1, level_2])


def test_the_callers_copy_of_the_person_is_left_as_it_was(trust):
    requirement = _wards_only(trust)
    staff = factories.make_staff(team=trust["finance"], start_date=LONG_AGO)

    stale = _stale_copy_then_move(staff, trust["wards"])
    factories.make_completion(stale, requirement)

    assert stale.team == trust["finance"]
    assert RequirementStatus.objects.filter(staff=staff, requirement=requirement).exists()
