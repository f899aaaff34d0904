"""The person's page's "Send Sam a reminder" is a form with a CSRF token: a request forged from another site, riding
on the manager's session, sends nothing. With the token from the page it sends. (Pressed twice, it sends once:
test_remind.py.)"""

import re

from django.test import Client
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.compliance.models import ReminderLog
from tests import factories

URL = reverse("reports:team_remind")


def _signed_in(staff) -> Client:
    client = Client(enforce_csrf_checks=True)
    factories.sign_in(client, staff.user)
    return client


def test_a_forged_remind_sends_nothing(org, mailoutbox):
    client = _signed_in(org["manager"])
    response = client.post(URL, {"staff": org["sam"].pk}, HTTP_ORIGIN="https://evil.example.com")
    assert response.status_code == 403
    assert client.post(URL, {"staff": org["sam"].pk}).status_code == 403  # no token at all
    assert mailoutbox == [] and not ReminderLog.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.REMIND).exists()


def test_the_form_on_the_persons_page_sends(org, mailoutbox):
    client = _signed_in(org["manager"])
    page = client.get(reverse("reports:team_person", args=[org["sam"].pk])).content.decode()
    assert "Send Sam a reminder" in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"csrfmiddlewaretoken": token, "staff": org["sam"].pk}
    assert "Reminder sent to Sam Digital." in client.post(URL, form, follow=True).content.decode()
    assert [email.to for email in mailoutbox] == [[org["sam"].work_email]]
    assert ReminderLog.objects.get().sent_by == org["manager"].user
