# ruff: noqa: F811 (org and run are the fixtures imported from test_reminders)
"""Where a reply to a reminder goes. Staff answer reminders ("I did it on ESR last week"), and the sending address is
often one nobody reads: PORTAL_REPLY_TO (HR's training mailbox, say) takes the replies to the daily run's emails, and a
reminder a manager sends from the team page is answered to that manager. The from address stays DEFAULT_FROM_EMAIL."""

import pytest
from django.urls import reverse

from tests.compliance.test_reminders import GRACE, day, org, run  # noqa: F401
from tests.reports.conftest import client_for
from tests.settings.test_production import load_production, load_settings

TRAINING_MAILBOX = "HR Training <hr.training@example.nhs.uk>"


def test_the_daily_runs_emails_are_answered_to_the_reply_to_address(org, run, settings, mailoutbox):
    settings.PORTAL_REPLY_TO = TRAINING_MAILBOX
    settings.DEFAULT_FROM_EMAIL = "no-reply@example.nhs.uk"
    for offset in (-14, 0, 7, 14, 28):
        run(day(offset))
    assert len(mailoutbox) == 10  # five stages, each on a Monday, and five digests
    assert {tuple(m.reply_to) for m in mailoutbox} == {(TRAINING_MAILBOX,)}
    assert {m.from_email for m in mailoutbox} == {"no-reply@example.nhs.uk"}
    assert "Reply-To: HR Training <hr.training@example.nhs.uk>" in mailoutbox[0].message().as_string()


def test_without_a_reply_to_address_replies_go_to_the_sender(org, run, settings, mailoutbox):
    settings.PORTAL_REPLY_TO = ""
    run(day(0))
    assert mailoutbox and all(m.reply_to == [] for m in mailoutbox)


def test_a_reminder_sent_by_hand_is_answered_to_the_manager_who_sent_it(org, settings, mailoutbox):
    settings.PORTAL_REPLY_TO = TRAINING_MAILBOX
    response = client_for(org["grace"]).post(reverse("reports:team_remind"), {"staff": org["sam"].pk})
    assert response.status_code == 302
    (email,) = mailoutbox
    assert email.to == [org["sam"].work_email] and email.reply_to == [GRACE]
    assert "has asked us to remind you" in email.body


def test_the_environment_sets_it_with_a_name_or_without():
    for value in (TRAINING_MAILBOX, "hr.training@example.nhs.uk"):
        loaded = load_settings("portal.settings.production", "PORTAL_REPLY_TO", PORTAL_REPLY_TO=value)
        assert loaded.returncode == 0, loaded.stderr
        assert loaded.stdout.strip() == value
    assert load_settings("portal.settings.production", "PORTAL_REPLY_TO", PORTAL_REPLY_TO=None).stdout.strip() == ""


@pytest.mark.parametrize("value", ["hr training", "a@", "HR <hr@example>"])
def test_a_reply_to_that_is_not_an_address_is_refused_by_name(value):
    loaded = load_production(PORTAL_REPLY_TO=value)
    assert loaded.returncode != 0
    assert f"PORTAL_REPLY_TO must be an email address (or a name and address, quoted), not {value!r}." in loaded.stderr
