"""A database from before the status table in effective time gets its runs after `migrate`, with no step to remember:
anyone who has status rows but no run is built from the ledger and the roster, exactly as `rebuild_status` builds
them; people whose runs are there are left alone."""

import datetime
import io

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.utils import timezone

from portal.compliance.models import StatusInterval
from portal.compliance.upgrade import people_without_runs, status_history_fill
from tests.factories import make_completion, make_requirement, make_staff, make_team

pytestmark = pytest.mark.django_db


def _runs(staff_ids):
    fields = ("staff_id", "requirement_id", "valid_from", "valid_to", "state", "compliant", "team_id", "completed_on")
    return sorted(StatusInterval.objects.filter(staff_id__in=staff_ids).values_list(*fields))


@pytest.fixture
def organisation():
    team = make_team()
    requirement = make_requirement()
    done, not_done = make_staff(team=team), make_staff(team=team)
    make_completion(done, requirement, completed_at=timezone.now() - datetime.timedelta(days=400))
    return done, not_done


def test_after_migrate_people_without_runs_get_them_as_rebuild_status_builds_them(organisation):
    done, not_done = organisation
    built = _runs([done.pk, not_done.pk])
    assert built, "the services build runs as facts are recorded"
    StatusInterval.objects.filter(staff=done).delete()  # as a database from before the table holds them: none
    assert people_without_runs() == [done.pk]

    out = io.StringIO()
    emit_post_migrate_signal(verbosity=1, interactive=False, db="default", stdout=out)

    assert _runs([done.pk, not_done.pk]) == built
    assert "Built the status history in effective time for 1 people" in out.getvalue()
    assert people_without_runs() == []


def test_an_up_to_date_database_is_left_alone(organisation, django_assert_num_queries):
    before = list(StatusInterval.objects.order_by("pk").values_list("pk", flat=True))
    # Which tables there are; who has no run: nobody; whose row, and whose runs, a re-attestation round asks again
    # without saying so (test_upgrade_renew_from.py): nobody.
    with django_assert_num_queries(4):
        assert status_history_fill(verbosity=0) == 0
    assert list(StatusInterval.objects.order_by("pk").values_list("pk", flat=True)) == before


def test_another_database_alias_is_not_touched(organisation):
    done, _ = organisation
    StatusInterval.objects.filter(staff=done).delete()
    assert status_history_fill(using="replica", verbosity=0) == 0
    assert people_without_runs() == [done.pk]
