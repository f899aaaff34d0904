# ruff: noqa: F811 (org and run are the fixtures imported from test_reminders)
"""A requirement HR retires is asked of nobody from that day: no more reminders to the person, no escalation to their
line manager or HR, no line in the managers' digest, nothing from a manager's "remind". Another still in force goes
on as before, alone in the email."""

import datetime

from django.urls import reverse
from django.utils import timezone

from portal.compliance.models import ReminderLog
from portal.compliance.projection import refresh
from portal.compliance.services import requirement_retire
from tests import factories
from tests.compliance.test_reminders import LONDON, NURSES, SAM, day, org, reminders, run  # noqa: F401
from tests.reports.conftest import client_for


def test_a_retired_requirement_is_not_reminded_escalated_or_listed(org, run, mailoutbox, monkeypatch):
    factories.make_requirement(name="Fire Safety", applies_to_everyone=False, staff_groups=[NURSES])
    refresh()
    run(day(7))  # Monday: both overdue; one email listing both, and Grace's digest names both
    assert reminders(mailoutbox) == [(SAM, "2 pieces of training are overdue")]
    hr = factories.make_user(email="hana@example.nhs.uk")
    moment = datetime.datetime.combine(day(8), datetime.time(9, 0), tzinfo=LONDON)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    requirement_retire(requirement=org["requirement"], user=hr, reason="Replaced by the regional course")
    mailoutbox.clear()
    for offset in range(8, 40):
        run(day(offset))
    assert reminders(mailoutbox) == [
        ("grace@example.nhs.uk", "Sam O'Neill is overdue with Fire Safety"),
        ("hr@example.nhs.uk", f"Escalation: Sam O'Neill ({org['sam'].employee_number}) is overdue with Fire Safety"),
    ]
    digests = [m.body for m in mailoutbox if "to follow up this week" in m.subject]
    assert digests and all("Fire Safety" in body and "Safeguarding" not in body for body in digests)
    assert not ReminderLog.objects.filter(requirement=org["requirement"], stage__in=["manager", "hr"]).exists()
    mailoutbox.clear()
    client_for(org["grace"]).post(reverse("reports:team_remind"), {"staff": org["sam"].pk})
    (by_hand,) = mailoutbox
    assert "Fire Safety" in by_hand.body and "Safeguarding" not in by_hand.body
