"""A database whose runs on requirements set for teams were written before they followed the tree and the terms of
each day (be7fdbf, migration 0021) is brought up to date after `migrate`, with no step to remember: the `migrate`
that adds the requirement history rebuilds everyone with a status row or run on a requirement set for teams, as
`rebuild_status` would, and says how many people; nobody else, and nothing on a later `migrate`."""

import datetime
import io
from types import SimpleNamespace

import pytest

from portal.compliance import projection
from portal.compliance.models import StatusInterval
from portal.compliance.upgrade import status_history_fill
from tests import factories

pytestmark = pytest.mark.django_db

ADDED = [(SimpleNamespace(app_label="compliance", name="0021_requirement_history"), False)]
LATER = [(SimpleNamespace(app_label="compliance", name="0022_something_else"), False)]


def _runs(requirement) -> list[tuple]:
    runs = StatusInterval.objects.filter(requirement=requirement).order_by("staff_id", "valid_from")
    return list(runs.values_list("staff_id", "valid_from", "valid_to", "state", "due_on"))


@pytest.fixture
def world():
    wards = factories.make_team("Wards", kind="organisation")
    ward = factories.make_team("Ward 7", parent=wards)
    office = factories.make_team("Office", parent=wards)
    nurses = [factories.make_staff(team=ward, start_date=datetime.date(2020, 1, 1)) for _ in range(2)]
    clerk = factories.make_staff(team=office, start_date=datetime.date(2020, 1, 1))
    for_ward = factories.make_requirement(name="Ward safety", applies_to_everyone=False)
    for_ward.teams.set([ward])
    for_everyone = factories.make_requirement(name="Fire safety")
    projection.refresh()
    return {"nurses": nurses, "clerk": clerk, "for_ward": for_ward, "for_everyone": for_everyone}


def _as_written_before(requirement) -> None:
    """Runs as the code before wrote them might differ: here, each run's due date a day out."""
    for run in StatusInterval.objects.filter(requirement=requirement):
        StatusInterval.objects.filter(pk=run.pk).update(
            due_on=(run.due_on or datetime.date(2020, 1, 1)) + datetime.timedelta(days=1)
        )


def test_the_migrate_adding_the_history_rebuilds_everyone_on_a_requirement_for_teams(world):
    built = _runs(world["for_ward"])
    assert {run[0] for run in built} == {nurse.pk for nurse in world["nurses"]}
    _as_written_before(world["for_ward"])
    out = io.StringIO()
    assert status_history_fill(stdout=out, plan=ADDED) == 2
    assert _runs(world["for_ward"]) == built
    assert "Rebuilt the status of 2 people on a requirement set for teams" in out.getvalue()


def test_nobody_else_is_rebuilt_and_a_later_migrate_changes_nothing(world):
    everyone_built = _runs(world["for_everyone"])
    _as_written_before(world["for_everyone"])
    written_before = _runs(world["for_everyone"])
    assert written_before != everyone_built
    assert status_history_fill(verbosity=0, plan=ADDED) == 2  # the two nurses only: the clerk is on no team requirement
    _as_written_before(world["for_ward"])
    ward_written_before = _runs(world["for_ward"])
    assert status_history_fill(verbosity=0, plan=LATER) == 0
    assert status_history_fill(verbosity=0) == 0
    assert _runs(world["for_ward"]) == ward_written_before
