"""A database whose runs counted a higher level's evidence by the level families of the day they were built is brought
up to date after `migrate`, with no step to remember: the `migrate` that applies compliance 0022 rebuilds everyone with
a status row or run on a level family whose levels changed in the requirement history, as `rebuild_status` would, and
says how many people; nobody else, and nothing when no family changed or on a later `migrate`."""

import datetime
import io
from types import SimpleNamespace

import pytest

from portal.compliance import projection
from portal.compliance.models import Requirement, StatusInterval
from portal.compliance.services import requirement_save
from portal.compliance.upgrade import status_history_fill
from tests import factories

pytestmark = pytest.mark.django_db

ADDED = [(SimpleNamespace(app_label="compliance", name="0022_levels_by_day"), False)]
LATER = [(SimpleNamespace(app_label="compliance", name="0023_something_else"), False)]


def _runs(requirement) -> list[tuple]:
    runs = StatusInterval.objects.filter(requirement=requirement).order_by("staff_id", "valid_from")
    return list(runs.values_list("staff_id", "valid_from", "valid_to", "state", "due_on"))


@pytest.fixture
def world():
    """Two nurses on Safeguarding Children Levels 1 and 3 (for Nursing), a clerk on Fire Safety only."""
    nurses = [factories.make_staff(staff_group="Nursing", start_date=datetime.date(2020, 1, 1)) for _ in range(2)]
    clerk = factories.make_staff(start_date=datetime.date(2020, 1, 1))
    levels = {
        n: factories.make_requirement(
            name=f"Safeguarding Children Level {n}",
            applies_to_everyone=False,
            staff_groups=["Nursing"],
            level_family="Safeguarding Children",
            level=n,
        )
        for n in (1, 3)
    }
    fire = factories.make_requirement(name="Fire safety")
    projection.refresh()
    return {"nurses": nurses, "clerk": clerk, "levels": levels, "fire": fire}


def _as_written_before(requirement) -> None:
    """Runs as the code before wrote them might differ: here, each run's due date a day out."""
    for run in StatusInterval.objects.filter(requirement=requirement):
        StatusInterval.objects.filter(pk=run.pk).update(
            due_on=(run.due_on or datetime.date(2020, 1, 1)) + datetime.timedelta(days=1)
        )


def _level_one_leaves(world) -> None:
    one = Requirement.objects.get(pk=world["levels"][1].pk)
    one.level_family, one.level = "", None
    requirement_save(requirement=one, user=factories.make_user())


def test_the_migrate_adding_levels_by_day_rebuilds_everyone_on_a_family_that_changed(world):
    _level_one_leaves(world)
    built = {n: _runs(requirement) for n, requirement in world["levels"].items()}
    fire = _runs(world["fire"])
    for requirement in [*world["levels"].values(), world["fire"]]:
        _as_written_before(requirement)

    out = io.StringIO()
    assert status_history_fill(stdout=out, plan=ADDED) == 2  # the nurses; the clerk is on no level
    assert {n: _runs(requirement) for n, requirement in world["levels"].items()} == built
    assert _runs(world["fire"]) != fire
    assert "Rebuilt the status of 2 people on a level family whose levels changed" in out.getvalue()


def test_nothing_is_rebuilt_when_no_family_changed_or_on_a_later_migrate(world):
    _as_written_before(world["levels"][1])
    written_before = _runs(world["levels"][1])
    assert status_history_fill(verbosity=0, plan=ADDED) == 0
    assert _runs(world["levels"][1]) == written_before
    _level_one_leaves(world)
    _as_written_before(world["levels"][1])
    written_before = _runs(world["levels"][1])
    assert status_history_fill(verbosity=0, plan=LATER) == 0
    assert status_history_fill(verbosity=0) == 0
    assert _runs(world["levels"][1]) == written_before
