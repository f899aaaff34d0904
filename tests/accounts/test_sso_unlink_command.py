"""`manage.py sso_unlink EMAIL` removes an account's single sign-on link, the supported way to let someone whose
directory account was re-created (or linked wrongly) sign in again. Before, docs/sso.md gave a `manage.py shell`
line that deleted the row: a developer's job, with no audit line and no check of what it matched. The command shows
what it would remove and changes nothing without --apply; with --apply and a reason it removes the link, ends the
account's sessions and writes an audit line naming the server account that ran it; an address no account signs in
with, an account with no link, or no reason is refused, naming what is wrong, and nothing changes."""

import io

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.management import CommandError, call_command

from portal.audit.models import AuditEvent
from tests import factories
from tests.command_line import command_line_by


@pytest.fixture
def linked(person):
    return SocialAccount.objects.create(user=person, provider="nhsmail", uid="sub-old-123")


def run(*args) -> str:
    out = io.StringIO()
    call_command("sso_unlink", *args, stdout=out)
    return out.getvalue()


def refusal(*args) -> str:
    with pytest.raises(CommandError) as refused:
        run(*args)
    return str(refused.value)


def unchanged(*links) -> bool:
    return all(SocialAccount.objects.filter(pk=link.pk).exists() for link in links) and not (
        AuditEvent.objects.filter(action=AuditEvent.SSO_LINKED).exists()
    )


def test_without_apply_it_says_what_it_would_remove_and_changes_nothing(person, linked):
    said = run(person.email)
    assert "Would remove the single sign-on link of Priya Shah (priya.shah@example.nhs.uk)" in said
    assert "nhsmail, subject sub-old-123" in said and "Nothing was changed" in said and "--apply" in said
    assert unchanged(linked)


def test_with_apply_it_removes_the_link_ends_the_sessions_and_names_who_ran_it(person, linked):
    theirs = SocialAccount.objects.create(user=factories.make_user(), provider="nhsmail", uid="sub-other")
    epoch = person.session_epoch
    said = run("PRIYA.SHAH@example.nhs.uk", "--apply", "--reason", "NHSmail account re-created (INC0012345)")
    assert "Removed the single sign-on link of Priya Shah (priya.shah@example.nhs.uk)" in said
    assert not SocialAccount.objects.filter(user=person).exists() and SocialAccount.objects.filter(pk=theirs.pk)
    person.refresh_from_db()
    assert person.session_epoch == epoch + 1
    (line,) = AuditEvent.objects.filter(action=AuditEvent.SSO_LINKED)
    assert line.actor_name == command_line_by("sso_unlink") and line.actor is None
    assert line.scope == person.email
    assert line.detail == {
        "change": "unlinked",
        "provider": "nhsmail",
        "subject": "sub-old-123",
        "user_id": person.pk,
        "reason": "NHSmail account re-created (INC0012345)",
    }


def test_an_address_no_account_signs_in_with_is_refused(person, linked):
    assert refusal("nobody@example.nhs.uk", "--apply", "--reason", "Re-created") == (
        "No account signs in with 'nobody@example.nhs.uk'. Check the address: it is the person's work email, as on "
        "the staff roster. Nothing was changed."
    )
    assert unchanged(linked)


def test_an_account_with_no_link_is_refused(person, someone_else, linked):
    assert refusal(someone_else.email, "--apply", "--reason", "Re-created") == (
        "Owen Jones (owen.jones@example.nhs.uk) has no single sign-on link, so there is nothing to remove. "
        "Nothing was changed."
    )
    assert unchanged(linked)


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        (None, "Give the reason with --reason"),
        ("   ", "Give the reason with --reason"),
        ("Re-created\u202e", "The reason contains"),
        ("x" * 1001, "The reason must be 1000 characters or fewer"),
    ],
)
def test_applying_without_a_proper_reason_is_refused(person, linked, reason, said):
    args = [person.email, "--apply"] + (["--reason", reason] if reason is not None else [])
    refused = refusal(*args)
    assert refused.startswith(said) and refused.endswith("Nothing was changed.")
    assert unchanged(linked)


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ("   ", "Give the reason with --reason"),
        ("Re-created\u202e", "The reason contains"),
        ("x" * 1001, "The reason must be 1000 characters or fewer"),
    ],
)
def test_a_dry_run_given_a_reason_the_apply_would_refuse_is_refused_as_the_apply_is(person, linked, reason, said):
    """A script runs the dry run, then --apply only if it succeeded: a dry run given a reason --apply refuses fails
    with the apply's words, not 'Would remove'. Given none, it says what it would remove, as above."""
    refused = refusal(person.email, "--reason", reason)
    assert refused.startswith(said) and refused.endswith("Nothing was changed.")
    assert unchanged(linked)


def test_an_account_with_two_links_is_told_of_both_and_both_go(person, linked):
    SocialAccount.objects.create(user=person, provider="nhsmail", uid="sub-older-456")
    said = run(person.email)
    assert "Would remove the 2 single sign-on links of Priya Shah" in said and "To remove them, run again" in said
    assert "subject sub-old-123" in said and "subject sub-older-456" in said
    said = run(person.email, "--apply", "--reason", "NHSmail account re-created (INC0012345)")
    assert "Removed the 2 single sign-on links of Priya Shah" in said
    assert not SocialAccount.objects.filter(user=person).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.SSO_LINKED).count() == 2
