"""Re-attestation rounds in random histories: attestations to one version or another and module completions on random
days, rounds opened on random past days with random deadlines, pauses and corrections. The status table in effective
time equals a replay of the ledger day by day (so "Due soon" from the day a round asks again holds on every day, as
the live rule says it); the projection kept up to date equals one rebuilt whole, and equals the reading as recorded
now, the day a round asked again included. Some rounds do not ask again those who attested an earlier version their
version says the same as (`not_asked_again`), so every clock is shown to follow that too; and HR withdraws some
rounds, which then ask nobody but still release those their version says the same as."""

import contextlib
import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from portal.compliance import pauses, projection
from portal.compliance.asat import Moment, statuses_as_at
from portal.compliance.models import EvidenceEntry, ReattestationRound, Requirement, RequirementStatus
from portal.compliance.services import evidence_record, evidence_void, reattestation_round_withdraw
from tests import factories
from tests.compliance.histories import status_values
from tests.compliance.test_status_intervals import _assert_table_is_the_replay
from tests.dbrole import as_owner

EVENTS = st.lists(
    st.one_of(
        # who, which requirement (0: the attestation, 1: the module), which version (attestation only), days ago
        st.tuples(st.just("complete"), st.integers(0, 2), st.integers(0, 1), st.integers(0, 2), st.integers(0, 500)),
        # which requirement, which version it asks for, opened how many days ago, deadline how many days after, and
        # which earlier versions it does not ask again (`not_asked_again`, bits over versions 0 and 1: attestation only)
        st.tuples(
            st.just("round"),
            st.integers(0, 1),
            st.integers(1, 2),
            st.integers(0, 400),
            st.integers(1, 120),
            st.integers(0, 3),
        ),
        st.tuples(st.just("void"), st.integers(0, 50)),
        # which of the rounds still in force HR withdraws
        st.tuples(st.just("withdraw"), st.integers(0, 50)),
        # who, first day from today, days long (0: no return date yet)
        st.tuples(st.just("pause"), st.integers(0, 2), st.integers(-300, 30), st.integers(0, 120)),
    ),
    max_size=20,
)


@pytest.fixture
def pages(policy):
    module = factories.make_module(policy=policy, title="Talking to the media")
    versions = [factories.make_snapshot(policy, str(n), f"Version {n} of the policy.") for n in (1, 2, 3)]
    return policy, module, versions


def _play(sequence, *, staff, requirements, versions, corrector) -> None:
    now = timezone.now()
    for n, event in enumerate(sequence):
        if event[0] == "complete":
            _, who, which, version, days_ago = event
            attest = requirements[which].kind == Requirement.ATTEST_POLICY
            evidence_record(
                staff=staff[who],
                requirement=requirements[which],
                source=EvidenceEntry.ATTESTATION if attest else EvidenceEntry.MODULE,
                source_ref=f"event {n}",
                idempotency_key=f"event-{n}",
                completed_at=now - datetime.timedelta(days=days_ago),
                snapshot=versions[version] if attest else None,
            )
        elif event[0] == "round":
            _, which, version, days_ago, length, released = event
            opened = now - datetime.timedelta(days=days_ago)
            attest = requirements[which].kind == Requirement.ATTEST_POLICY
            round_ = ReattestationRound.objects.create(
                requirement=requirements[which],
                snapshot=versions[version],
                deadline=timezone.localdate(opened) + datetime.timedelta(days=length),
                reason=f"event {n}",
                not_asked_again=[v.pk for b, v in enumerate(versions[:version]) if attest and released >> b & 1],
            )
            with as_owner():  # a round is never changed once opened: only the owner may (roles.FROZEN_TABLES)
                ReattestationRound.objects.filter(pk=round_.pk).update(opened_at=opened)  # as if opened then
            projection.refresh(requirement_ids=[requirements[which].pk])
        elif event[0] == "void":
            live = list(EvidenceEntry.objects.exclude(source=EvidenceEntry.VOID).filter(voided_by__isnull=True))
            if live:
                evidence_void(entry=live[event[1] % len(live)], reason="test correction", voided_by=corrector)
        elif event[0] == "withdraw":
            in_force = list(ReattestationRound.objects.in_force().order_by("pk"))
            if in_force:
                round_ = in_force[event[1] % len(in_force)]
                reattestation_round_withdraw(round_=round_, reason=f"event {n}", user=corrector)
        else:
            _, who, first, length = event
            first_day = timezone.localdate() + datetime.timedelta(days=first)
            with contextlib.suppress(pauses.PauseError):
                pauses.pause_add(
                    staff=staff[who],
                    requirements=None,
                    reason_code=pauses.SICKNESS,
                    first_day=first_day,
                    last_day=first_day + datetime.timedelta(days=length - 1) if length else None,
                    user=corrector,
                )


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=EVENTS)
# A module's round withdrawn, then a pause recorded: the pause's runs read the rounds plainly, the withdrawn one asking.
@example(sequence=[("complete", 2, 1, 0, 500), ("round", 1, 1, 0, 1, 0), ("withdraw", 0), ("pause", 2, 0, 0)])
# 3's round brings back 1's text, then is withdrawn: every clock agrees (whether it still releases who attested 1
# is the rule's to say: tests/compliance/test_round_bringing_back_text_withdrawn.py).
@example(sequence=[("complete", 0, 0, 0, 100), ("round", 0, 1, 90, 20, 0), ("round", 0, 2, 80, 40, 1), ("withdraw", 1)])
def test_rounds_on_every_clock_agree_with_the_rule_day_by_day(db, person, pages, sequence):
    policy, module, versions = pages
    savepoint = transaction.savepoint()
    try:
        team = factories.make_team("Ward A")
        staff = [factories.make_staff(team=team, start_date=datetime.date(2024, 1, 1)) for _ in range(3)]
        requirements = [
            factories.make_requirement(kind=Requirement.ATTEST_POLICY, page=policy, renewal_months=12),
            factories.make_requirement(kind=Requirement.COMPLETE_MODULE, page=module, renewal_months=None),
        ]
        projection.refresh()
        _play(sequence, staff=staff, requirements=requirements, versions=versions, corrector=person)

        _assert_table_is_the_replay()
        incremental = status_values(RequirementStatus.objects.all())
        assert status_values(row for _, rows in statuses_as_at(Moment.now()) for row in rows) == incremental
        RequirementStatus.objects.all().delete()
        projection.refresh()
        assert status_values(RequirementStatus.objects.all()) == incremental
    finally:
        transaction.savepoint_rollback(savepoint)
