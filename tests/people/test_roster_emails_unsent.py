"""A roster is applied whatever the email server does. Its emails (new people's invitations, notices of a moved
sign-in email) go once the batch is marked applied, each on its own; those that fail stay owed on the batch, whose
page says so with what the server said, and HR can send only those again (a POST, HR only, audited). An email failure
used to mark the batch "failed, nothing changed" while the people were saved, and applying again invited nobody."""

import datetime
import io
import logging
import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance.imports import roster as roster_import
from portal.compliance.imports.services import (
    ImportRefused,
    import_batch_apply,
    import_batch_create,
    import_batch_emails_send_again,
)
from portal.compliance.models import ImportBatch
from portal.people.models import StaffMember
from portal.people.roles import hr_group
from tests import factories
from tests.people.conftest import row
from tests.people.test_roster_esr import esr_file, esr_row

REFUSING = "tests.people.test_roster_emails_unsent.RefusingBackend"


class RefusingBackend(EmailBackend):
    """An SMTP server that refuses the addresses in `refused` (all of them when `down`) and takes the rest into the
    test outbox. `tried` counts every message handed to it."""

    refused: set[str] = set()
    down = False
    tried = 0

    def send_messages(self, messages):
        for message in messages:
            type(self).tried += 1
            if self.down:
                raise ConnectionRefusedError(111, "Connection refused")
            if refused := [to for to in message.to if to in self.refused]:
                raise smtplib.SMTPRecipientsRefused(dict.fromkeys(refused, (550, b"5.1.1 User unknown")))
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


@pytest.fixture
def email_server(settings, monkeypatch):
    """The refusing server, working until a test says otherwise."""
    settings.EMAIL_BACKEND = REFUSING
    monkeypatch.setattr(RefusingBackend, "refused", set())
    monkeypatch.setattr(RefusingBackend, "down", False)
    monkeypatch.setattr(RefusingBackend, "tried", 0)
    return RefusingBackend


@pytest.fixture
def officer(db):
    user = factories.make_user(first_name="Hana", last_name="Ray", email="hana.ray@example.nhs.uk")
    user.groups.add(hr_group())
    return factories.with_mfa(user)


@pytest.fixture
def hr_client(client, officer):
    factories.sign_in(client, officer)
    return client


def three_starters(roster_csv, teams) -> bytes:
    return roster_csv(
        row("1001", "Ann", "Able", teams["comms"]),
        row("1002", "Ben", "Best", teams["comms"]),
        row("1003", "Cat", "Cole", teams["finance"]),
    ).encode()


def apply(data: bytes, capture, *, user=None) -> ImportBatch:
    """Upload and apply as the task worker does; the emails go once the apply has committed."""
    batch, _ = import_batch_create(kind="roster", data=data, filename="roster.csv", user=user)
    with capture(execute=True):
        import_batch_apply(batch=batch, user=user, background=False)
    batch.refresh_from_db()
    return batch


def owed(batch: ImportBatch) -> list[str]:
    batch.refresh_from_db()
    ids = batch.summary["emails"]["invitations_unsent"]
    return sorted(StaffMember.objects.filter(pk__in=ids).values_list("employee_number", flat=True))


def page(client, batch) -> str:
    return client.get(reverse("imports:batch", args=[batch.pk])).content.decode()


def test_an_email_server_that_refuses_every_connection_leaves_the_roster_applied(
    roster_csv, teams, settings, hr_client, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1  # nothing listens there
    batch = apply(three_starters(roster_csv, teams), django_capture_on_commit_callbacks)
    assert batch.status == ImportBatch.DONE and batch.error == "" and StaffMember.objects.count() == 3
    assert (batch.summary["created"], batch.summary["invited"]) == (3, 0)
    assert owed(batch) == ["1001", "1002", "1003"]
    html = page(hr_client, batch)
    said = "Roster applied. 3 invitations could not be sent (the email server said: [Errno 111] Connection refused)."
    assert said in html
    assert "Send the 3 unsent emails again" in html
    assert "dry run" not in html and "Apply this roster" not in html and "Nothing was changed" not in html


def test_one_refused_address_does_not_stop_the_others(
    roster_csv, teams, email_server, mailoutbox, hr_client, django_capture_on_commit_callbacks
):
    email_server.refused = {"ben.1002@example.nhs.uk"}
    batch = apply(three_starters(roster_csv, teams), django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mailoutbox) == ["ann.1001@example.nhs.uk", "cat.1003@example.nhs.uk"]
    assert batch.status == ImportBatch.DONE and batch.summary["invited"] == 2 and owed(batch) == ["1002"]
    html = page(hr_client, batch)
    assert "Roster applied. 1 invitation could not be sent (the email server said: " in html
    assert "ben.1002@example.nhs.uk" in html and "User unknown" in html
    assert "2 new people have been emailed an invitation." in html


def test_hr_sends_only_the_unsent_invitations_again(
    roster_csv, teams, email_server, mailoutbox, hr_client, officer, django_capture_on_commit_callbacks
):
    email_server.refused = {"ben.1002@example.nhs.uk"}
    batch = apply(three_starters(roster_csv, teams), django_capture_on_commit_callbacks)
    mailoutbox.clear()
    email_server.refused = set()  # the address is fixed at the mail server's end

    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post(reverse("imports:send_again", args=[batch.pk]))

    assert response["Location"] == reverse("imports:batch", args=[batch.pk])
    (invitation,) = mailoutbox
    assert invitation.to == ["ben.1002@example.nhs.uk"] and "/accounts/password/reset/key/" in invitation.body
    assert owed(batch) == [] and batch.summary["invited"] == 3 and batch.summary["emails"]["error"] == ""
    html = page(hr_client, batch)
    assert "3 new people have been emailed an invitation." in html and "could not be sent" not in html
    assert "unsent" not in html
    line = AuditEvent.objects.filter(action=AuditEvent.IMPORT, detail__sent_again__isnull=False).get()
    assert line.actor == officer and line.detail["batch"] == batch.pk and "ip" in line.detail
    assert line.detail["sent_again"] == "1 invitation"
    assert StaffMember.objects.count() == 3  # sending again applies nothing

    with django_capture_on_commit_callbacks(execute=True):
        hr_client.post(reverse("imports:send_again", args=[batch.pk]))  # a second click: nothing owed, nothing sent
    assert len(mailoutbox) == 1


def test_sending_again_is_for_hr_only_and_needs_the_forms_token(
    roster_csv, teams, email_server, mailoutbox, person, django_capture_on_commit_callbacks
):
    email_server.down = True
    batch = apply(three_starters(roster_csv, teams), django_capture_on_commit_callbacks)
    email_server.down = False
    url = reverse("imports:send_again", args=[batch.pk])

    staff_client = Client()
    factories.sign_in(staff_client, person)
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(url).status_code == 403

    hr = factories.with_mfa(factories.make_user())
    hr.groups.add(hr_group())
    csrf_checked = Client(enforce_csrf_checks=True)
    factories.sign_in(csrf_checked, hr)
    with django_capture_on_commit_callbacks(execute=True):
        assert csrf_checked.post(url).status_code == 403  # no CSRF token
        assert csrf_checked.get(url).status_code == 405
    assert mailoutbox == [] and owed(batch) == ["1001", "1002", "1003"]


def test_a_server_that_is_down_is_not_tried_for_every_person(
    roster_csv, teams, email_server, mailoutbox, django_capture_on_commit_callbacks
):
    email_server.down = True
    starters = [row(str(1000 + n), "Ann", f"Able{n}", teams["comms"]) for n in range(1, 13)]
    batch = apply(roster_csv(*starters).encode(), django_capture_on_commit_callbacks)
    assert email_server.tried == roster_import.FAILURES_IN_A_ROW  # then the rest wait for HR to send them again
    assert len(owed(batch)) == 12 and batch.summary["emails"]["error"] == "[Errno 111] Connection refused"


def test_invitations_owed_when_the_worker_stopped_can_be_sent_once_it_has_stopped(
    roster_csv, teams, email_server, mailoutbox, hr_client, officer, django_capture_on_commit_callbacks, settings
):
    """The worker applied the roster and stopped before sending (no commit callback ran): the batch still knows whom
    it owes. While the sending could still be under way, asking again is refused; after PORTAL_STALLED_MINUTES of
    silence it sends them."""
    batch, _ = import_batch_create(kind="roster", data=three_starters(roster_csv, teams), filename="r.csv", user=None)
    with django_capture_on_commit_callbacks(execute=False):
        import_batch_apply(batch=batch, user=None, background=False)
    assert mailoutbox == [] and owed(batch) == ["1001", "1002", "1003"] and batch.status == ImportBatch.DONE
    assert "3 invitations are waiting to be sent" in page(hr_client, batch)

    with pytest.raises(ImportRefused, match="Its emails are being sent now"):
        import_batch_emails_send_again(batch=batch, user=officer)

    stopped = timezone.now() - datetime.timedelta(minutes=settings.PORTAL_STALLED_MINUTES + 1)
    batch.summary["emails"]["progress_at"] = stopped.isoformat()
    ImportBatch.objects.filter(pk=batch.pk).update(summary=batch.summary)
    with django_capture_on_commit_callbacks(execute=True):
        import_batch_emails_send_again(batch=batch, user=officer)
    assert sorted(m.to[0] for m in mailoutbox) == [f"{n}@example.nhs.uk" for n in ("ann.1001", "ben.1002", "cat.1003")]
    assert owed(batch) == []


def test_someone_whose_account_was_closed_since_is_not_invited(
    roster_csv, teams, email_server, mailoutbox, officer, django_capture_on_commit_callbacks
):
    email_server.down = True
    batch = apply(three_starters(roster_csv, teams), django_capture_on_commit_callbacks)
    email_server.down = False
    ann = StaffMember.objects.get(employee_number="1001").user
    ann.is_active = False  # she left before the email server came back
    ann.save()
    with django_capture_on_commit_callbacks(execute=True):
        import_batch_emails_send_again(batch=batch, user=officer)
    assert sorted(m.to[0] for m in mailoutbox) == ["ben.1002@example.nhs.uk", "cat.1003@example.nhs.uk"]
    assert owed(batch) == [] and batch.summary["invited"] == 2


OLD, NEW = "grace.jones@example.nhs.uk", "tom.price@example.nhs.uk"


def moved_sign_in_email(teams, officer, capture) -> ImportBatch:
    """Grace's record is given Tom's address by an ESR file, applied, its emails sent."""
    factories.make_staff(
        user=factories.make_user(email=OLD, first_name="Grace", last_name="Jones"),
        team=teams["comms"],
        employee_number="1001",
    )
    data = esr_file(esr_row("1001", "Tom", "Price", teams["comms"], email=NEW))
    batch, plan = import_batch_create(kind="roster", data=data, filename="esr.csv", user=officer)
    with capture(execute=True):
        import_batch_apply(batch=batch, user=officer, background=False, confirmed_identity=plan.identity_fingerprint)
    batch.refresh_from_db()
    return batch


def test_a_notice_of_a_moved_sign_in_email_that_fails_stays_owed_to_that_address_alone(
    teams, email_server, mailoutbox, officer, django_capture_on_commit_callbacks, hr_client
):
    """The old address is often refused for good (its mailbox closed: why the roster moved it). The new holder was
    then never told, however often HR sent it again: the old address was tried first each time, and failed."""
    email_server.refused = {OLD}
    batch = moved_sign_in_email(teams, officer, django_capture_on_commit_callbacks)
    assert batch.status == ImportBatch.DONE and StaffMember.objects.get(employee_number="1001").work_email == NEW
    assert [m.to for m in mailoutbox] == [[NEW]]
    grace = StaffMember.objects.get(employee_number="1001")
    assert batch.summary["emails"]["notices_unsent"] == [[grace.pk, OLD, NEW, OLD]]  # the old address still owed
    assert "1 notice of a changed sign-in email could not be sent" in page(hr_client, batch)

    email_server.refused = set()
    with django_capture_on_commit_callbacks(execute=True):
        import_batch_emails_send_again(batch=batch, user=officer)
    assert [m.to for m in mailoutbox] == [[NEW], [OLD]]  # each told once
    batch.refresh_from_db()
    assert batch.summary["emails"]["notices_unsent"] == []


def test_sending_a_notice_again_does_not_tell_the_address_told_already(
    teams, email_server, mailoutbox, officer, django_capture_on_commit_callbacks
):
    """The new address refused (a typing error in ESR, since corrected at the mail server): each time HR sent the
    notice again, the old address was told again."""
    email_server.refused = {NEW}
    batch = moved_sign_in_email(teams, officer, django_capture_on_commit_callbacks)
    assert [m.to for m in mailoutbox] == [[OLD]]
    email_server.refused = set()
    with django_capture_on_commit_callbacks(execute=True):
        import_batch_emails_send_again(batch=batch, user=officer)
    assert [m.to for m in mailoutbox] == [[OLD], [NEW]]
    assert f"Sign in with {NEW} from now on" in mailoutbox[1].body
    batch.refresh_from_db()
    assert batch.summary["emails"]["notices_unsent"] == []


@pytest.mark.django_db(transaction=True)
def test_the_command_line_apply_says_the_same(roster_csv, teams, settings, tmp_path, caplog):
    """As the auditor ran it: the smtp backend at a closed port, `import_roster --apply`, with no test transaction
    around it, so the emails go the moment the apply commits, as in production."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    path = tmp_path / "new.csv"
    path.write_bytes(roster_csv(row("1001", "Ann", "Able", teams["comms"])).encode())
    out = io.StringIO()
    with caplog.at_level(logging.WARNING, logger="portal.compliance.imports.roster"):
        call_command("import_roster", str(path), "--apply", stdout=out)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.DONE and StaffMember.objects.count() == 1
    # What it did, a line a figure as the dry run says it (not the batch's summary as a Python dict), and the emails
    # owed with what the server said and where to send them again.
    printed = out.getvalue().splitlines()
    assert {"  rows: 1", "  created: 1", "  invited: 0"} <= set(printed)
    assert "{" not in out.getvalue() and "invitations_unsent" not in out.getvalue()
    assert printed[-1] == (
        "  not sent: 1 invitation (the email server said: [Errno 111] Connection refused). HR can send them again "
        f"from /hr/imports/{batch.pk}/"
    )
    # The server being down is said in one line, with no traceback of smtplib's (it is not a fault of the portal's)
    failures = [record for record in caplog.records if "an email failed" in record.getMessage()]
    assert failures and not any(record.exc_info for record in failures)
    said = [record.getMessage() for record in caplog.records if "HR can send them again" in record.getMessage()]
    assert said == [
        f"Roster new.csv (batch {batch.pk}) applied. 1 invitation could not be sent (the email server said: "
        f"[Errno 111] Connection refused). HR can send them again from /hr/imports/{batch.pk}/"
    ]


def test_the_button_counts_each_address_a_notice_still_owes(
    teams, email_server, mailoutbox, officer, django_capture_on_commit_callbacks, hr_client
):
    """A notice owed to both addresses is two emails, one owed to the old address alone is one: the button says how
    many go. It counted a notice as one email however many addresses it was owed to."""
    email_server.refused = {OLD, NEW}
    batch = moved_sign_in_email(teams, officer, django_capture_on_commit_callbacks)
    assert "Send the 2 unsent emails again" in page(hr_client, batch)
    email_server.refused = {OLD}
    with django_capture_on_commit_callbacks(execute=True):
        import_batch_emails_send_again(batch=batch, user=officer)
    assert "Send the 1 unsent email again" in page(hr_client, batch)


def test_a_notice_neither_address_was_sent_goes_to_both_once(
    teams, email_server, mailoutbox, officer, django_capture_on_commit_callbacks
):
    """The mail server down: the notice is kept as [staff, old, new], owed to both (the shape batches applied before
    each address was its own send kept too), and sending it again tells each once."""
    email_server.down = True
    batch = moved_sign_in_email(teams, officer, django_capture_on_commit_callbacks)
    grace = StaffMember.objects.get(employee_number="1001")
    assert batch.summary["emails"]["notices_unsent"] == [[grace.pk, OLD, NEW]]
    email_server.down = False
    with django_capture_on_commit_callbacks(execute=True):
        import_batch_emails_send_again(batch=batch, user=officer)
    assert [m.to for m in mailoutbox] == [[OLD], [NEW]]
    batch.refresh_from_db()
    assert batch.summary["emails"]["notices_unsent"] == []
