"""A database from before status rows kept the day a re-attestation round asked for something again (`renew_from`,
migration 0017) is brought up to date after `migrate`, with no step to remember: the status rows and runs of everyone
a round asks again are rebuilt as `rebuild_status` would build them, and `migrate` says how many people. On a database
that is up to date it costs a fixed number of queries and changes nothing."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.utils import timezone

from portal.compliance import projection
from portal.compliance.dates import local_day
from portal.compliance.models import EvidenceEntry, ReattestationRound, Requirement, RequirementStatus, StatusInterval
from portal.compliance.services import attestation_record, reattestation_round_open
from portal.compliance.upgrade import people_asked_again, status_history_fill
from tests import factories
from tests.dbrole import as_owner

pytestmark = pytest.mark.django_db


def _deadline():
    return timezone.localdate() + datetime.timedelta(days=50)


def _table(requirement) -> dict:
    rows = RequirementStatus.objects.filter(requirement=requirement).order_by("staff_id")
    runs = StatusInterval.objects.filter(requirement=requirement).order_by("staff_id", "valid_from")
    fields = ("staff_id", "valid_from", "valid_to", "state", "compliant", "completed_on", "expires_on", "due_on")
    return {
        "rows": list(rows.values_list("staff_id", "completed_on", "expires_on", "due_on", "renew_from")),
        "runs": list(runs.values_list(*fields)),
    }


@pytest.fixture
def round_open(policy):
    """Ada and Ben attested to version 1 a hundred days ago; Dee a year before the deadline (so her attestation runs
    out on the deadline itself: the round brings nothing forward for her). Version 2 went live ten days ago with a
    deadline 60 days on; Ben has attested to it since."""
    team = factories.make_team("Ward A")
    ada, ben, dee = (factories.make_staff(team=team, start_date=datetime.date(2015, 4, 1)) for _ in range(3))
    requirement = factories.make_requirement(kind=Requirement.ATTEST_POLICY, page=policy, renewal_months=12)
    first = factories.make_snapshot(policy, "1")
    year_before = timezone.make_aware(
        datetime.datetime.combine(_deadline().replace(year=_deadline().year - 1), datetime.time(12))
    )
    for member, when in ((ada, None), (ben, None), (dee, year_before)):
        factories.make_completion(
            member,
            requirement,
            source=EvidenceEntry.ATTESTATION,
            snapshot=first,
            completed_at=when or timezone.now() - datetime.timedelta(days=100),
        )
    second = factories.make_snapshot(policy, "2", "Never post about patients.")
    reattestation_round_open(snapshot=second, deadline=_deadline(), reason="Section 3 now forbids it.")
    with as_owner():  # a round is never changed once opened: only the owner may (roles.FROZEN_TABLES)
        ReattestationRound.objects.update(opened_at=timezone.now() - datetime.timedelta(days=10))
    projection.refresh()
    attestation_record(staff=ben, snapshot=second, user=None)
    return requirement, (ada, ben, dee)


def _as_before_the_upgrade(requirement):
    """What the code before 0017 wrote: no `renew_from`, and "Compliant" from the day the round opened until the
    due-soon window began."""
    RequirementStatus.objects.update(renew_from=None)
    (round_,) = ReattestationRound.objects.all()
    StatusInterval.objects.filter(
        requirement=requirement, valid_from=local_day(round_.opened_at), state="due_soon"
    ).update(state="compliant")


def test_after_migrate_everyone_a_round_asks_again_is_rebuilt_as_rebuild_status_builds_them(round_open):
    requirement, (ada, ben, _) = round_open
    built = _table(requirement)
    assert RequirementStatus.objects.get(staff=ada, requirement=requirement).renew_from is not None
    _as_before_the_upgrade(requirement)
    assert _table(requirement) != built
    assert people_asked_again() == [ada.pk, ben.pk]  # Ada's row; Ben's runs while the round waited for him

    out = io.StringIO()
    emit_post_migrate_signal(verbosity=1, interactive=False, db="default", stdout=out)

    assert _table(requirement) == built
    assert "2 people" in out.getvalue() and "re-attestation round" in out.getvalue()
    assert people_asked_again() == []


def test_an_up_to_date_database_is_left_alone(round_open, django_assert_num_queries):
    requirement, (_, _, dee) = round_open
    # Dee's attestation runs out on the deadline itself: her row looks like one the round brought forward, and is not.
    dee_row = RequirementStatus.objects.get(staff=dee, requirement=requirement)
    assert (dee_row.expires_on, dee_row.renew_from) == (_deadline(), None)
    before = list(StatusInterval.objects.order_by("pk").values_list("pk", flat=True))
    # Which tables there are; who has no run; whose row, and whose runs, a round asks again: nobody.
    with django_assert_num_queries(4):
        assert status_history_fill(verbosity=0) == 0
    assert list(StatusInterval.objects.order_by("pk").values_list("pk", flat=True)) == before


def test_an_empty_database_costs_the_same(django_assert_num_queries):
    with django_assert_num_queries(4):
        assert status_history_fill(verbosity=0) == 0


def test_the_migrate_that_adds_renew_from_rebuilds_everyone_on_a_requirement_with_a_round(round_open):
    """Old runs the two queries cannot recognise (a round crossing a pause, say) are rebuilt too, by the migrate that
    adds the column: so `verify_evidence --status` finds nothing left from before it."""
    requirement, people = round_open
    built = _table(requirement)
    RequirementStatus.objects.update(renew_from=None)
    StatusInterval.objects.filter(requirement=requirement, state="due_soon").update(state="compliant")
    assert _table(requirement) != built

    added = [(SimpleNamespace(app_label="compliance", name="0017_status_renew_from"), False)]
    out = io.StringIO()
    assert status_history_fill(stdout=out, plan=added) == len(people)

    assert _table(requirement) == built
    assert f"{len(people)} people on a requirement a re-attestation round was opened on" in out.getvalue()


def test_a_later_migrate_rebuilds_only_whom_the_queries_find(round_open):
    other = [(SimpleNamespace(app_label="compliance", name="0018_something_else"), False)]
    assert status_history_fill(verbosity=0, plan=other) == 0
