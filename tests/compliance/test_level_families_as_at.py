"""A report about a past day counts evidence by the level families as they stood that day (the requirement's history,
`compliance.RequirementChange`), not as they are today: Level 1 joining the family of a Level 3 someone holds, 30 days
ago, leaves them not done on Level 1 as at 40 days ago (as it was and as recorded then) and done from the day it
joined; Level 1 leaving the family, the other way round. The runs in effective time change on the day of the change,
as they do for a new renewal period, a rebuild gives the same runs, and a pack worked out afresh agrees with them. A
completion of a higher level recorded after the family broke up still counts on the days it was one."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from portal.compliance import projection
from portal.compliance.asat import Moment, standings_as_at, statuses_as_at
from portal.compliance.dates import local_day
from portal.compliance.models import Requirement, StatusInterval
from portal.compliance.services import requirement_save
from portal.people.models import Team
from portal.reports.as_it_was import people_known, table_on
from tests import factories

# The day each test runs, and days from it: read as the test begins (_read_the_day), before any test freezes or
# moves the clock. Read when the file was imported, a run going past midnight used yesterday's.
NOW, TODAY, LONG_AGO, DAY, CHANGED = (None,) * 5


@pytest.fixture(autouse=True)
def _read_the_day():
    global NOW, TODAY, LONG_AGO, DAY, CHANGED
    NOW = timezone.now()
    TODAY = timezone.localdate()
    LONG_AGO = NOW - datetime.timedelta(days=120)  # the requirements, the person, the Level 3 completion
    DAY = TODAY - datetime.timedelta(days=40)  # the day reported on
    CHANGED = NOW - datetime.timedelta(days=30)  # HR changes the family


FAMILY = "Safeguarding Children"


def _family(level_one_in_family: bool):
    """A person with a Level 3 done 120 days ago, and Level 1 (in the family or not) and Level 3, all long ago."""
    with freeze_time(LONG_AGO):
        team = factories.make_team("Organisation", kind="organisation")
        person = factories.make_staff(team=team, start_date=datetime.date(2020, 1, 1))
        one = factories.make_requirement(
            name=f"{FAMILY} Level 1",
            level_family=FAMILY if level_one_in_family else "",
            level=1 if level_one_in_family else None,
            renewal_months=36,
        )
        three = factories.make_requirement(name=f"{FAMILY} Level 3", level_family=FAMILY, level=3, renewal_months=36)
        projection.refresh()
        entry = factories.make_completion(person, three, completed_at=LONG_AGO)
    return team, person, one, three, entry


def _set_level(requirement, family: str, level: int | None, at=None):
    with freeze_time(at or CHANGED):
        requirement = Requirement.objects.get(pk=requirement.pk)
        requirement.level_family, requirement.level = family, level
        requirement_save(requirement=requirement, user=factories.make_user())


@pytest.fixture
def joined(db):
    """Level 1 joins the family 30 days ago."""
    team, person, one, _three, entry = _family(level_one_in_family=False)
    _set_level(one, FAMILY, 1)
    return team, person, one, entry


@pytest.fixture
def left(db):
    """Level 1 leaves the family 30 days ago."""
    team, person, one, _three, entry = _family(level_one_in_family=True)
    _set_level(one, "", None)
    return team, person, one, entry


def _recorded_then(moment: Moment, requirement) -> tuple:
    """(completed on, evidence) of the requirement's row as at `moment`, by both reads of the ledger."""
    full = [row for _, rows in statuses_as_at(moment) for row in rows if row.requirement_id == requirement.pk]
    lean = [s for _, standings in standings_as_at(moment) for r, s in standings if r.pk == requirement.pk]
    assert len(full) == len(lean) == 1
    assert lean[0].completed_on == full[0].completed_on
    return full[0].completed_on, full[0].evidence_id


def _run_on(person, requirement, day) -> StatusInterval:
    return StatusInterval.objects.filter(StatusInterval.on_q(day), staff=person, requirement=requirement).get()


def test_as_recorded_then_a_day_before_joining_the_family_the_higher_level_does_not_count(joined):
    _, _, one, entry = joined
    assert _recorded_then(Moment.end_of(DAY), one) == (None, None)
    assert _recorded_then(Moment.now(), one) == (local_day(LONG_AGO), entry.pk)


def test_as_recorded_then_a_day_before_leaving_the_family_the_higher_level_counts(left):
    _, _, one, entry = left
    assert _recorded_then(Moment.end_of(DAY), one) == (local_day(LONG_AGO), entry.pk)
    assert _recorded_then(Moment.now(), one) == (None, None)


def test_the_runs_count_the_higher_level_from_the_day_level_one_joined(joined):
    _, person, one, _ = joined
    before, after = _run_on(person, one, DAY), _run_on(person, one, TODAY)
    assert (before.compliant, before.completed_on) == (False, None)
    assert (after.compliant, after.completed_on) == (True, local_day(LONG_AGO))
    assert _run_on(person, one, local_day(CHANGED)).compliant
    assert not _run_on(person, one, local_day(CHANGED) - datetime.timedelta(days=1)).compliant
    assert _rebuilt_the_same()


def test_the_runs_stop_counting_the_higher_level_from_the_day_level_one_left(left):
    _, person, one, _ = left
    before, after = _run_on(person, one, DAY), _run_on(person, one, TODAY)
    assert (before.compliant, before.completed_on) == (True, local_day(LONG_AGO))
    assert (after.compliant, after.completed_on) == (False, None)
    assert not _run_on(person, one, local_day(CHANGED)).compliant
    assert _rebuilt_the_same()


def _rebuilt_the_same() -> bool:
    kept = _runs()
    StatusInterval.objects.all().delete()
    call_command("rebuild_status", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return _runs() == kept


def _runs() -> list[tuple]:
    return sorted(
        StatusInterval.objects.values_list(
            "staff_id", "requirement_id", "valid_from", "valid_to", "state", "completed_on", "expires_on", "due_on"
        )
    )


@pytest.mark.parametrize(("case", "then_done"), [("joined", False), ("left", True)])
def test_a_pack_worked_out_afresh_agrees_with_the_runs(db, case, then_done, request):
    team, _person, one, entry = request.getfixturevalue(case)
    team = Team.objects.get(pk=team.pk)
    for day in (DAY, TODAY):
        table = {run.requirement.pk: run for _, runs in table_on([team], day) for run in runs}
        afresh = {run.requirement.pk: run for _, _, runs in people_known([team], Moment(day, NOW)) for run in runs}
        done = then_done if day == DAY else not then_done
        for read in (table[one.pk], afresh[one.pk]):
            assert (read.compliant, read.evidence.pk if read.evidence else None) == (done, entry.pk if done else None)


def test_a_higher_level_recorded_after_the_family_broke_up_counts_on_the_days_it_was_one(db):
    _team, person, one, three, _ = _family(level_one_in_family=True)
    _set_level(one, "", None)
    _set_level(three, "", None, at=CHANGED + datetime.timedelta(minutes=1))
    late = factories.make_completion(person, three, completed_at=LONG_AGO + datetime.timedelta(days=5))

    assert _run_on(person, one, DAY).completed_on == local_day(late.completed_at)
    assert _run_on(person, one, TODAY).completed_on is None
    assert _rebuilt_the_same()
