"""HR withdraws a re-attestation round opened in error (`services.reattestation_round_withdraw`): from then on it asks
nothing of anyone, live, in the runs in effective time ("as it was": it never held, as a correction), in reminders
and notices; "as recorded then" before the withdrawal still shows the round; the attestations made to the new version
stay in the ledger; nothing in the ledger or the round's own row changes; the audit log says who, when and why."""

import datetime

import pytest
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance import projection, status
from portal.compliance.asat import Moment, statuses_as_at
from portal.compliance.dates import add_months, local_day
from portal.compliance.ledger import verify_chain
from portal.compliance.models import (
    EvidenceEntry,
    ReattestationRound,
    Requirement,
    RequirementStatus,
    RoundWithdrawal,
    StatusInterval,
)
from portal.compliance.policy_versions import policy_change_notices_for_staff
from portal.compliance.reminders import reminders_due
from portal.compliance.services import RoundError, reattestation_round_withdraw, status_rebuild
from portal.compliance.upgrade import people_asked_again
from tests import factories
from tests.dbrole import as_owner

LONG_AGO = datetime.date(2015, 4, 1)


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def hr(db):
    return factories.make_user(first_name="Hana", last_name="Officer")


@pytest.fixture
def world(home_page):
    """A yearly attestation: Ann and Ben attested version 1 sixty days ago; a round for version 2 opened ten days
    ago; Ann has attested version 2 since, Ben has not."""
    now = timezone.now()
    team = factories.make_team("Ward A")
    ann = factories.make_staff(team=team, start_date=LONG_AGO, first_name="Ann")
    ben = factories.make_staff(team=team, start_date=LONG_AGO, first_name="Ben")
    policy = factories.make_policy(parent=home_page)
    requirement = factories.make_requirement(kind=Requirement.ATTEST_POLICY, page=policy, renewal_months=12)
    first = policy.latest_snapshot()
    for person in (ann, ben):
        factories.make_completion(
            person, requirement, source=EvidenceEntry.ATTESTATION, snapshot=first, completed_at=now - _days(60)
        )
    second = factories.make_snapshot(policy, version="2")
    return {"ann": ann, "ben": ben, "requirement": requirement, "first": first, "second": second}


def _open(world, *, opened_days_ago: int, deadline: datetime.date) -> ReattestationRound:
    """A round opened on a past day (as `reattestation_round_open` would have, then), everyone's status refreshed."""
    now = timezone.now()
    round_ = ReattestationRound.objects.create(
        requirement=world["requirement"], snapshot=world["second"], deadline=deadline, reason="Section 6.2: new rule"
    )
    with as_owner():  # a round is never changed once opened: only the owner may (roles.FROZEN_TABLES)
        ReattestationRound.objects.filter(pk=round_.pk).update(opened_at=now - _days(opened_days_ago))
    projection.refresh(requirement_ids=[world["requirement"].pk])
    return ReattestationRound.objects.get(pk=round_.pk)


def _row(staff, requirement) -> RequirementStatus:
    return RequirementStatus.objects.get(staff=staff, requirement=requirement)


def _table(requirement) -> dict:
    rows = RequirementStatus.objects.filter(requirement=requirement).order_by("staff_id")
    runs = StatusInterval.objects.filter(requirement=requirement).order_by("staff_id", "valid_from")
    fields = ("staff_id", "valid_from", "valid_to", "state", "completed_on", "expires_on", "due_on")
    return {
        "rows": list(rows.values_list("staff_id", "completed_on", "expires_on", "due_on", "renew_from")),
        "runs": list(runs.values_list(*fields)),
    }


def _round_row(round_) -> tuple:
    return ReattestationRound.objects.filter(pk=round_.pk).values_list(
        "requirement_id", "snapshot_id", "deadline", "reason", "opened_at", "opened_by_id"
    )[0]


def _states_as_it_was(staff, requirement, first: datetime.date, last: datetime.date) -> set[str]:
    """The states of the person's runs on the days from `first` to `last`, as it was."""
    runs = StatusInterval.objects.filter(staff=staff, requirement=requirement, valid_from__lte=last, valid_to__gt=first)
    return set(runs.values_list("state", flat=True))


def _state_as_recorded(moment: Moment, staff, requirement) -> str:
    for _, standings in statuses_as_at(moment, staff_ids=[staff.pk], requirements=[requirement]):
        return next(s for s in standings if s.requirement.pk == requirement.pk).state(moment.day)
    raise AssertionError("not in the roster")


def test_a_withdrawn_round_asks_nothing_and_the_evidence_made_for_it_stays(world, hr):
    today = timezone.localdate()
    now = timezone.now()
    ann, ben, requirement = world["ann"], world["ben"], world["requirement"]
    round_ = _open(world, opened_days_ago=10, deadline=today + _days(20))
    new_attestation = factories.make_completion(
        ann, requirement, source=EvidenceEntry.ATTESTATION, snapshot=world["second"], completed_at=now - _days(5)
    )
    assert _row(ben, requirement).state(today) == status.DUE_SOON
    assert _row(ben, requirement).renew_from == today - _days(10)
    entries, opened_as = list(EvidenceEntry.objects.values_list("seq", "content_hash")), _round_row(round_)

    withdrawal = reattestation_round_withdraw(round_=round_, reason="  Section 6.2 was a wording fix.  ", user=hr)

    assert (withdrawal.round_id, withdrawal.withdrawn_by, withdrawal.reason) == (
        round_.pk,
        hr,
        "Section 6.2 was a wording fix.",
    )
    ben_row = _row(ben, requirement)
    assert ben_row.state(today) == status.COMPLIANT
    assert (ben_row.renew_from, ben_row.expires_on) == (None, add_months(local_day(now - _days(60)), 12))
    ann_row = _row(ann, requirement)
    assert ann_row.evidence_id == new_attestation.pk and ann_row.state(today) == status.COMPLIANT
    # Nothing in the ledger changed or went, and the chain still verifies; the round is kept as it was opened.
    assert list(EvidenceEntry.objects.values_list("seq", "content_hash")) == entries
    assert verify_chain().intact
    assert _round_row(round_) == opened_as


def test_as_it_was_the_round_never_held_and_as_recorded_then_it_did(world, hr):
    today = timezone.localdate()
    ben, requirement = world["ben"], world["requirement"]
    round_ = _open(world, opened_days_ago=10, deadline=today + _days(20))
    assert _states_as_it_was(ben, requirement, today - _days(10), today) == {status.DUE_SOON}
    before = Moment(today, timezone.now())  # a report as recorded then, asked for just before the withdrawal
    assert _state_as_recorded(before, ben, requirement) == status.DUE_SOON

    reattestation_round_withdraw(round_=round_, reason="Marked material by mistake", user=hr)

    # As it was: no run of Ben's says "Due soon" on any day, as if the round had never been opened.
    assert _states_as_it_was(ben, requirement, today - _days(10), today) == {status.COMPLIANT}
    # As recorded then, at a moment before the withdrawal was recorded: what it said then.
    assert _state_as_recorded(before, ben, requirement) == status.DUE_SOON
    assert _state_as_recorded(Moment.now(), ben, requirement) == status.COMPLIANT
    # What the status table holds is what a rebuild from the ledger gives.
    table = _table(requirement)
    assert status_rebuild(user=hr)["changed"] == 0
    assert _table(requirement) == table


def test_after_its_deadline_the_overdue_are_back_in_date(world, hr):
    today = timezone.localdate()
    ben, requirement = world["ben"], world["requirement"]
    round_ = _open(world, opened_days_ago=40, deadline=today - _days(10))
    assert _row(ben, requirement).state(today) == status.OVERDUE
    assert _states_as_it_was(ben, requirement, today - _days(40), today) == {status.DUE_SOON, status.OVERDUE}
    before = Moment(today, timezone.now())

    reattestation_round_withdraw(round_=round_, reason="The deadline was wrong", user=hr)

    assert _row(ben, requirement).state(today) == status.COMPLIANT
    assert _states_as_it_was(ben, requirement, today - _days(40), today) == {status.COMPLIANT}
    # A report as recorded at a moment before the withdrawal still shows Ben overdue.
    assert _state_as_recorded(before, ben, requirement) == status.OVERDUE


def test_reminders_and_notices_stop_asking(world, hr):
    today = timezone.localdate()
    ben, requirement = world["ben"], world["requirement"]
    round_ = _open(world, opened_days_ago=10, deadline=today + _days(10))  # within the 14 days before
    ben.work_email = "ben@example.nhs.uk"
    ben.save(update_fields=["work_email"])
    about_ben = [m for m in reminders_due(today) if m.staff.pk == ben.pk and m.requirement.pk == requirement.pk]
    assert [m.due_on for m in about_ben] == [round_.deadline]
    assert [n.version_label for n in policy_change_notices_for_staff(ben)] == ["2"]

    reattestation_round_withdraw(round_=round_, reason="Marked material by mistake", user=hr)

    assert [m for m in reminders_due(today) if m.staff.pk == ben.pk] == []
    assert policy_change_notices_for_staff(ben) == []
    assert people_asked_again() == []  # the upgrade's check finds nobody to rebuild either


def test_the_withdrawal_is_audited_in_the_same_transaction(world, hr):
    today = timezone.localdate()
    round_ = _open(world, opened_days_ago=10, deadline=today + _days(20))

    reattestation_round_withdraw(round_=round_, reason="Marked material by mistake", user=hr)

    event = AuditEvent.objects.get(action=AuditEvent.ROUND_WITHDRAWN)
    assert event.actor == hr
    assert event.scope == f"{world['requirement'].name}: re-attest to {world['second'].title} version 2"
    assert event.detail["round_id"] == round_.pk
    assert event.detail["reason"] == "Marked material by mistake"
    assert event.detail["deadline"] == round_.deadline.isoformat()
    assert event.detail["people"] == 2


def test_a_round_cannot_be_withdrawn_twice(world, hr):
    today = timezone.localdate()
    round_ = _open(world, opened_days_ago=10, deadline=today + _days(20))
    reattestation_round_withdraw(round_=round_, reason="Marked material by mistake", user=hr)

    with pytest.raises(RoundError, match=r"already withdrawn on .* by Hana Officer\. Nothing more was recorded"):
        reattestation_round_withdraw(round_=round_, reason="Again", user=factories.make_user())

    assert RoundWithdrawal.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.ROUND_WITHDRAWN).count() == 1


@pytest.mark.parametrize(
    ("reason", "message"),
    [("   ", "Give the reason"), ("Wrong\u202edate", "contains")],
)
def test_a_withdrawal_needs_a_reason_in_plain_text(world, hr, reason, message):
    today = timezone.localdate()
    round_ = _open(world, opened_days_ago=10, deadline=today + _days(20))
    before = _table(world["requirement"])

    with pytest.raises(RoundError, match=message):
        reattestation_round_withdraw(round_=round_, reason=reason, user=hr)

    assert not RoundWithdrawal.objects.exists()
    assert _table(world["requirement"]) == before
    assert not AuditEvent.objects.filter(action=AuditEvent.ROUND_WITHDRAWN).exists()
