"""During a re-attestation round, evidence the round outdates still counts in the figures but needs action: from the
day the round opened the person is "Due soon", not "Compliant", whatever the due-soon window says; a pause still
wins, and after the deadline the evidence has run out. Pure functions: no database."""

import datetime
import zoneinfo

from portal.compliance import status
from portal.compliance.models import ReattestationRound, Requirement
from portal.compliance.projection import standing_from
from portal.compliance.status import Standing

D = datetime.date
LONDON = zoneinfo.ZoneInfo("Europe/London")
OPENED = D(2027, 3, 1)
DEADLINE = D(2027, 4, 30)  # 60 days on
ATTESTED = D(2026, 9, 1)  # to version 1


def _at(day: D, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def _requirement(kind=Requirement.ATTEST_POLICY, renewal_months=12):
    return Requirement(
        pk=1, kind=kind, renewal_months=renewal_months, new_starter_days=28, introduced_on=D(2000, 1, 1), active=True
    )


def _round(opened=OPENED, deadline=DEADLINE, snapshot_id=2):
    return ReattestationRound(opened_at=_at(opened, 9), deadline=deadline, snapshot_id=snapshot_id)


def _standing(on, *, completed_on=ATTESTED, snapshot_id=1, rounds=(), pauses=(), requirement=None, expires=None):
    return standing_from(
        requirement or _requirement(),
        on=on,
        applies=True,
        start_date=D(2015, 4, 1),
        completed_on=completed_on,
        completed_at=_at(completed_on),
        entry_expires_on=expires,
        snapshot_id=snapshot_id,
        rounds=rounds,
        pauses=pauses,
    )


def test_valid_evidence_with_a_round_asking_again_is_due_soon_from_the_day_it_opened():
    standing = Standing(True, D(2026, 9, 1), DEADLINE, DEADLINE, renew_from=OPENED)
    assert standing.state(OPENED - datetime.timedelta(days=1)) == status.COMPLIANT  # a day judged before it opened
    assert standing.state(OPENED) == status.DUE_SOON  # 60 days before the deadline: outside the 30-day window
    assert standing.state(DEADLINE) == status.DUE_SOON
    assert standing.state(DEADLINE + datetime.timedelta(days=1)) == status.OVERDUE
    assert standing.valid_on(OPENED)  # still counted as compliant in the figures, as "Due soon" always is


def test_a_pause_still_wins():
    standing = Standing(True, D(2026, 9, 1), DEADLINE, DEADLINE, OPENED, None, renew_from=OPENED)
    assert standing.state(OPENED + datetime.timedelta(days=5)) == status.PAUSED


def test_the_round_sets_renew_from_for_evidence_it_outdates():
    standing = _standing(OPENED + datetime.timedelta(days=1), rounds=[_round()])
    assert (standing.expires_on, standing.due_on, standing.renew_from) == (DEADLINE, DEADLINE, OPENED)
    assert standing.state(OPENED + datetime.timedelta(days=1)) == status.DUE_SOON


def test_evidence_to_the_new_version_has_no_renew_from():
    attested = OPENED + datetime.timedelta(days=2)
    standing = _standing(attested, completed_on=attested, snapshot_id=2, rounds=[_round()])
    assert standing.renew_from is None
    assert standing.state(attested) == status.COMPLIANT


def test_a_module_completed_after_the_round_opened_has_no_renew_from():
    module = _requirement(kind=Requirement.COMPLETE_MODULE)
    before = _standing(OPENED, completed_on=D(2026, 9, 1), requirement=module, rounds=[_round()])
    after = _standing(OPENED, completed_on=OPENED, requirement=module, rounds=[_round()])  # at noon, after 9am
    assert before.renew_from == OPENED and after.renew_from is None


def test_a_round_whose_deadline_is_after_the_expiry_asks_nothing_new():
    """Evidence that runs out before the round's deadline is due by its own expiry, as before: the round did not bring
    it forward, so the due-soon window decides."""
    completed = D(2026, 4, 20)  # runs out on 20 April 2027, before the deadline
    standing = _standing(OPENED, completed_on=completed, rounds=[_round()])
    assert (standing.expires_on, standing.renew_from) == (D(2027, 4, 20), None)
    assert standing.state(OPENED) == status.COMPLIANT


def test_of_two_rounds_the_first_to_bring_the_expiry_forward_names_the_day():
    first = _round(opened=D(2027, 1, 10), deadline=D(2027, 6, 30), snapshot_id=2)
    second = _round(opened=OPENED, deadline=DEADLINE, snapshot_id=3)
    for rounds in ([first, second], [second, first]):  # in whatever order they are read
        standing = _standing(OPENED, rounds=rounds)
        assert (standing.expires_on, standing.renew_from) == (DEADLINE, D(2027, 1, 10))


def test_a_one_off_attestation_with_no_expiry_is_asked_again():
    standing = _standing(OPENED, requirement=_requirement(renewal_months=None), rounds=[_round()])
    assert (standing.expires_on, standing.renew_from) == (DEADLINE, OPENED)
    assert standing.state(OPENED) == status.DUE_SOON


def test_no_round_no_renew_from():
    standing = _standing(OPENED)
    assert standing.renew_from is None and standing.state(OPENED) == status.COMPLIANT
