"""`manage.py mfa_reset EMAIL` removes the authenticator app and recovery codes of someone who lost both (their phone
gone, the codes with it): every page that removes an app asks for a code from it, so before, their way back was a
database shell. Without --apply it says what it would remove and changes nothing; with --apply and a reason (the
service desk's call number, once they have checked who is asking) it removes both, ends the account's sessions,
writes an audit line per factor naming the reason and the server account that ran it, and emails the person; their
role then asks them to set up an app again. With the mail server down the removal stands, and the command says they
could not be told rather than that nothing changed."""

import datetime
import io

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.management import CommandError, call_command
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.people.roles import hr_group
from tests import factories
from tests.command_line import command_line_by
from tests.mail_down import DOWN

REASON = "Lost phone and recovery codes, identity checked (INC0012345)"


@pytest.fixture(autouse=True)
def _portal(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://training.example.nhs.uk"


@pytest.fixture
def factors(person):
    factories.with_mfa(person)
    RecoveryCodes.activate(person)
    return list(Authenticator.objects.filter(user=person).order_by("pk"))


def run(*args) -> str:
    out = io.StringIO()
    call_command("mfa_reset", *args, stdout=out)
    return out.getvalue()


def refusal(*args) -> str:
    with pytest.raises(CommandError) as refused:
        run(*args)
    return str(refused.value)


def unchanged(person, factors, mailoutbox) -> bool:
    person.refresh_from_db()
    return (
        Authenticator.objects.filter(user=person).count() == len(factors)
        and not AuditEvent.objects.filter(action=AuditEvent.MFA_REMOVED).exists()
        and person.session_epoch == 0
        and mailoutbox == []
    )


def test_without_apply_it_says_what_it_would_remove_and_changes_nothing(person, factors, mailoutbox):
    said = run(person.email)
    today = f"{timezone.localdate():%-d %B %Y}"
    assert (
        f"Would remove the authenticator app (set up {today}, never used) and the recovery codes (10 unused) of "
        "Priya Shah (priya.shah@example.nhs.uk)"
    ) in said
    assert "Nothing was changed" in said and '--apply --reason "..."' in said
    assert unchanged(person, factors, mailoutbox)


def test_with_apply_it_removes_both_ends_the_sessions_audits_and_emails(person, someone_else, factors, mailoutbox):
    factories.with_mfa(someone_else)
    said = run("PRIYA.SHAH@example.nhs.uk", "--apply", "--reason", REASON)
    assert "Removed the authenticator app and the recovery codes of Priya Shah (priya.shah@example.nhs.uk)" in said
    assert "Their sessions have ended" in said and "Recorded in the audit log" in said
    assert "They were emailed at priya.shah@example.nhs.uk" in said
    assert not Authenticator.objects.filter(user=person).exists()
    assert Authenticator.objects.filter(user=someone_else).exists()
    person.refresh_from_db()
    assert person.session_epoch > 0
    lines = AuditEvent.objects.filter(action=AuditEvent.MFA_REMOVED).order_by("pk")
    assert [(line.actor, line.actor_name, line.scope) for line in lines] == [
        (None, command_line_by("mfa_reset"), person.email)
    ] * 2
    assert [line.detail for line in lines] == [
        {"kind": factor.type, "user_id": person.pk, "reason": REASON, "change": "removed by the service desk"}
        for factor in factors
    ]
    (message,) = mailoutbox
    assert message.to == [person.email]
    assert message.subject == "Your authenticator app for Staff training and attestation was removed"
    assert "Dear Priya," in message.body and REASON in message.body
    assert "set up an authenticator app again" in message.body and "If you did not ask for this" in message.body


def test_their_role_then_asks_them_to_set_up_an_app_again(client, person, factors):
    person.groups.add(hr_group())
    run(person.email, "--apply", "--reason", REASON)
    factories.sign_in(client, person)
    assert client.get("/hr/reports/")["Location"].startswith("/accounts/2fa/totp/activate/")


def test_an_address_no_account_signs_in_with_is_refused(person, factors, mailoutbox):
    assert refusal("nobody@example.nhs.uk", "--apply", "--reason", REASON) == (
        "No account signs in with 'nobody@example.nhs.uk'. Check the address: it is the person's work email, as on "
        "the staff roster. Nothing was changed."
    )
    assert unchanged(person, factors, mailoutbox)


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_apply_without_a_reason_is_refused(person, factors, mailoutbox, reason):
    args = [person.email, "--apply"] + ([] if reason is None else ["--reason", reason])
    assert refusal(*args) == "Give the reason with --reason: it is recorded in the audit log. Nothing was changed."
    assert unchanged(person, factors, mailoutbox)


def test_a_dry_run_with_a_blank_reason_is_refused_as_apply_would_be(person, factors, mailoutbox):
    assert "Give the reason with --reason" in refusal(person.email, "--reason", " ")
    assert unchanged(person, factors, mailoutbox)


def test_an_account_with_no_second_factor_is_refused(someone_else, mailoutbox):
    assert refusal(someone_else.email, "--apply", "--reason", REASON) == (
        "Owen Jones (owen.jones@example.nhs.uk) has no authenticator app or recovery codes, so there is nothing to "
        "remove. Nothing was changed."
    )
    assert mailoutbox == []


def test_with_the_mail_server_down_the_removal_stands_and_the_command_says_so(person, factors, settings):
    settings.EMAIL_BACKEND = DOWN
    said = run(person.email, "--apply", "--reason", REASON)
    assert "Removed the authenticator app and the recovery codes of Priya Shah" in said
    assert (
        "They could not be emailed (ConnectionRefusedError: [Errno 111] Connection refused): tell them yourself"
    ) in said
    assert "Nothing was changed" not in said
    assert not Authenticator.objects.filter(user=person).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.MFA_REMOVED).count() == 2


def test_a_leaver_is_not_emailed(person, factors, mailoutbox):
    factories.make_staff(user=person, leave_date=timezone.localdate() - datetime.timedelta(days=1))
    said = run(person.email, "--apply", "--reason", REASON)
    assert not Authenticator.objects.filter(user=person).exists()
    assert "They were not emailed: they have left the organisation." in said
    assert mailoutbox == []
