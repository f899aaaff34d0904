"""On PostgreSQL the app role reads and adds to the tables of what stays as it was written, and changes nothing in them:
the policy versions attestations name (`verify_evidence` also checks their text), re-attestation rounds and their
withdrawals, and the history of the team tree, of the roster and of people's names and numbers. Before, only the
models refused; a statement of the app role's own (a bug, or a hand on its connection) could rewrite the text everyone
attested to, or move a round's deadline. Clearing the link to an account being removed still works, as in the audit
log."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction

from portal.compliance.models import (
    PolicySnapshot,
    ReattestationRound,
    Requirement,
    RequirementChange,
    RoundWithdrawal,
    VerificationCode,
)
from portal.compliance.organisation import team_create
from portal.compliance.roles import FROZEN_TABLES
from portal.people.models import IdentityChange, StaffChange, TeamChange
from tests import factories

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="database roles exist only on PostgreSQL"),
    pytest.mark.django_db,
]


def _refused(sql, params=()):
    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_frozen_tables_are_the_eight():
    tables = {table for table, _ in FROZEN_TABLES}
    assert tables == {
        PolicySnapshot._meta.db_table,
        ReattestationRound._meta.db_table,
        RoundWithdrawal._meta.db_table,
        TeamChange._meta.db_table,
        StaffChange._meta.db_table,
        IdentityChange._meta.db_table,
        RequirementChange._meta.db_table,
        VerificationCode._meta.db_table,
    }


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE compliance_policysnapshot SET text = 'Post what you like.'",
        "UPDATE compliance_policysnapshot SET content_hash = repeat('0', 64)",
        "DELETE FROM compliance_policysnapshot",
        "TRUNCATE compliance_policysnapshot CASCADE",
    ],
)
def test_the_app_role_cannot_rewrite_a_policy_version(policy, sql):
    snapshot = factories.make_snapshot(policy, version="2.0", text="Never post about patients.")
    _refused(sql)
    snapshot.refresh_from_db()
    assert snapshot.text.endswith("Never post about patients.") and snapshot.content_hash_matches()


def test_the_app_role_may_still_clear_a_versions_link_to_a_removed_account(policy):
    snapshot = factories.make_snapshot(policy, version="2.0")
    user = factories.make_user()
    # The one column the app role may write: the link to an account, set and then cleared as SET_NULL clears it.
    PolicySnapshot.objects.filter(pk=snapshot.pk).update(created_by=user)
    PolicySnapshot.objects.filter(pk=snapshot.pk).update(created_by=None)
    snapshot.refresh_from_db()
    assert snapshot.created_by is None and snapshot.content_hash_matches()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE people_teamchange SET name = 'Rewritten'",
        "DELETE FROM people_teamchange",
        "UPDATE compliance_roundwithdrawal SET reason = 'rewritten'",
        "DELETE FROM compliance_roundwithdrawal",
    ],
)
def test_the_app_role_cannot_rewrite_the_trees_history_or_a_withdrawal(sql):
    team_create(name="Digital", code="DIG", kind="organisation", parent=None, user=None)
    before = TeamChange.objects.count()
    _refused(sql)
    assert TeamChange.objects.count() == before and before >= 1


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE compliance_reattestationround SET deadline = deadline + 365",
        "UPDATE compliance_reattestationround SET opened_at = opened_at - interval '1 year'",
        "DELETE FROM compliance_reattestationround",
    ],
)
def test_the_app_role_cannot_move_a_rounds_deadline_or_opening(policy, sql):
    """A round's deadline and the moment it opened say who was late and whose evidence it outdated: a later
    deadline would turn overdue people compliant in every report, as at any day."""
    round_ = ReattestationRound.objects.create(
        requirement=factories.make_requirement(kind=Requirement.ATTEST_POLICY, page=policy),
        snapshot=factories.make_snapshot(policy, version="2.0"),
        deadline=datetime.date(2027, 1, 31),
        reason="Section 6.2: a new rule",
    )
    _refused(sql)
    assert ReattestationRound.objects.values_list("deadline", "opened_at").get() == (
        datetime.date(2027, 1, 31),
        round_.opened_at,
    )


def test_the_app_role_may_still_lock_a_round_to_withdraw_it(policy):
    """Withdrawing locks the round's row (SELECT ... FOR UPDATE, which needs an UPDATE right on one column): the
    column naming who opened it is the one the app role may write."""
    round_ = ReattestationRound.objects.create(
        requirement=factories.make_requirement(kind=Requirement.ATTEST_POLICY, page=policy),
        snapshot=factories.make_snapshot(policy, version="2.0"),
        deadline=datetime.date(2027, 1, 31),
        reason="Section 6.2: a new rule",
    )
    with transaction.atomic():
        locked = ReattestationRound.objects.select_for_update(of=("self",)).get(pk=round_.pk)
    assert locked.pk == round_.pk


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE people_staffchange SET recorded_at = recorded_at - interval '1 year'",
        "UPDATE people_staffchange SET team_id = NULL, leave_date = '2020-01-01'",
        "DELETE FROM people_staffchange",
    ],
)
def test_the_app_role_cannot_rewrite_the_rosters_history(sql):
    """The roster's history says which team, staff group and dates a person had on each past day: every report and
    pack "as recorded then" reads it, so rewriting it would change what past evidence says."""
    factories.make_staff(team=factories.make_team("Ward 7"))
    before = list(StaffChange.objects.values_list("pk", "recorded_at", "team_id", "leave_date"))
    _refused(sql)
    assert list(StaffChange.objects.values_list("pk", "recorded_at", "team_id", "leave_date")) == before
    assert len(before) == 1


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE people_identitychange SET last_name = 'Rewritten'",
        "UPDATE people_identitychange SET recorded_at = NULL",
        "DELETE FROM people_identitychange",
    ],
)
def test_the_app_role_cannot_rewrite_whom_people_were(sql):
    """The names and numbers people had name them in every export and pack as recorded then: rewriting them would
    change what a pack's rebuild says, and hide that someone was renamed."""
    factories.make_staff(first_name="Priya", last_name="Shah")
    before = list(IdentityChange.objects.values_list("pk", "recorded_at", "employee_number", "last_name"))
    _refused(sql)
    assert list(IdentityChange.objects.values_list("pk", "recorded_at", "employee_number", "last_name")) == before
    assert len(before) == 1


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE compliance_verificationcode SET expires_on = expires_on + 365",
        "UPDATE compliance_verificationcode SET name = 'Someone Else', facts_key = 'x'",
        "DELETE FROM compliance_verificationcode",
    ],
)
def test_the_app_role_cannot_rewrite_a_certificate_as_issued(sql):
    """/verify/ shows a certificate as its row says it was printed: rewriting the row would make a forged paper
    check out, or a genuine one stop matching."""
    from portal.reports.certificates import verification_code_for

    entry = factories.make_completion(factories.make_staff(), factories.make_requirement(renewal_months=36))
    verification_code_for(entry)
    before = list(VerificationCode.objects.values_list("pk", "code", "name", "expires_on", "facts_key"))
    _refused(sql)
    assert list(VerificationCode.objects.values_list("pk", "code", "name", "expires_on", "facts_key")) == before
    assert len(before) == 1
