"""Opening a re-attestation round refreshes everyone's status on the policy as a requirement change does: in the
publish's own transaction for a few people, in the task worker once the rounds are committed for many, so a publish
never holds every attestation and quiz submission back while the whole organisation is recomputed."""

import datetime

import pytest
from django.utils import timezone

from portal.compliance import projection, services
from portal.compliance.models import EvidenceEntry, ReattestationRound, Requirement, RequirementStatus, StatusInterval
from portal.compliance.services import reattestation_round_open
from portal.compliance.tasks import requirement_status_refresh_task
from tests import factories

LONG_AGO = datetime.date(2015, 4, 1)


@pytest.fixture
def staff(db):
    team = factories.make_team("Ward A")
    return [factories.make_staff(team=team, start_date=LONG_AGO) for _ in range(3)]


def _policy_attested_by_two(home_page, staff):
    """A policy with an annual attestation that the first two of `staff` made to its first version a month ago,
    and a material second version ready to go live."""
    policy = factories.make_policy(parent=home_page)
    requirement = factories.make_requirement(kind=Requirement.ATTEST_POLICY, page=policy, renewal_months=12)
    first = policy.latest_snapshot()
    for person in staff[:2]:
        factories.make_completion(
            person,
            requirement,
            source=EvidenceEntry.ATTESTATION,
            snapshot=first,
            completed_at=timezone.now() - datetime.timedelta(days=30),
        )
    projection.refresh(requirement_ids=[requirement.pk])  # the third, with nothing done, has a row too
    return requirement, factories.make_snapshot(policy, version="2")


def _table(requirement) -> dict:
    """Everyone's status row and runs on `requirement`, by person, without ids of its own (the evidence's too)."""
    rows = {
        row.staff_id: (row.completed_on, row.expires_on, row.due_on, row.evidence is not None)
        for row in RequirementStatus.objects.filter(requirement=requirement)
    }
    runs = StatusInterval.objects.filter(requirement=requirement).order_by("staff_id", "valid_from")
    fields = ("staff_id", "valid_from", "valid_to", "state", "compliant", "completed_on", "expires_on", "due_on")
    return {"rows": rows, "runs": list(runs.values_list(*fields))}


def _open(snapshot):
    return reattestation_round_open(
        snapshot=snapshot, deadline=timezone.localdate() + datetime.timedelta(days=30), reason="6.2"
    )


def _refreshes_asked(backend) -> list:
    return [result.args for result in backend.results if result.task.func is requirement_status_refresh_task.func]


def test_for_many_people_the_rounds_exist_at_once_and_the_refresh_waits_for_the_worker(
    home_page, staff, tasks_held, monkeypatch, django_capture_on_commit_callbacks
):
    requirement, snapshot = _policy_attested_by_two(home_page, staff)
    before = _table(requirement)
    monkeypatch.setattr(services.refresh, "REFRESH_IN_BACKGROUND_OVER", 2)

    with django_capture_on_commit_callbacks(execute=True):
        rounds = _open(snapshot)
        assert _refreshes_asked(tasks_held) == []  # asked only once the rounds are committed

    assert [round_.requirement_id for round_ in rounds] == [requirement.pk]
    assert ReattestationRound.objects.filter(requirement=requirement, snapshot=snapshot).exists()
    assert _table(requirement) == before  # nobody recomputed in the publish
    assert _refreshes_asked(tasks_held) == [[requirement.pk]]


def test_the_worker_writes_what_the_publish_would_have_written(
    home_page, staff, tasks_held, monkeypatch, django_capture_on_commit_callbacks
):
    """The same history on two policies, one round opened over the threshold and one under it: once the worker
    has run, both say the same of everyone (and the round did change something: the attestations are outdated)."""
    in_worker, in_worker_version = _policy_attested_by_two(home_page, staff)
    in_publish, in_publish_version = _policy_attested_by_two(home_page, staff)
    before = _table(in_worker)

    monkeypatch.setattr(services.refresh, "REFRESH_IN_BACKGROUND_OVER", 2)
    with django_capture_on_commit_callbacks(execute=True):
        _open(in_worker_version)
    (asked,) = _refreshes_asked(tasks_held)
    requirement_status_refresh_task.call(*asked)

    monkeypatch.setattr(services.refresh, "REFRESH_IN_BACKGROUND_OVER", 3)
    with django_capture_on_commit_callbacks(execute=True):
        _open(in_publish_version)
    assert len(_refreshes_asked(tasks_held)) == 1  # three people is not over three: this one was in the publish

    assert _table(in_worker) != before
    assert _table(in_worker) == _table(in_publish)


def test_for_a_few_people_the_publish_refreshes_them_and_asks_the_worker_nothing(
    home_page, staff, tasks_held, django_capture_on_commit_callbacks
):
    requirement, snapshot = _policy_attested_by_two(home_page, staff)
    attested = {person.pk for person in staff[:2]}

    with django_capture_on_commit_callbacks(execute=True):
        _open(snapshot)

    assert _refreshes_asked(tasks_held) == []
    due_again = RequirementStatus.objects.filter(requirement=requirement, staff_id__in=attested)
    assert {row.due_on for row in due_again} == {timezone.localdate() + datetime.timedelta(days=30)}
