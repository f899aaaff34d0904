"""HR's audit log page says what the log records: every kind of line, not a hand-written list that falls behind."""

from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from portal.audit.models import AuditEvent
from portal.people.roles import hr_group
from tests import factories


def test_the_audit_page_lists_every_kind_of_line_it_can_hold(db):
    hr = factories.make_staff(team=factories.make_team("HR", kind="organisation"))
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    page = factories.sign_in(Client(), hr.user).get(reverse("hr_reports:audit_log")).content.decode()
    held = page[page.index("What the log records") : page.index("</details>")]
    for _action, label in AuditEvent.ACTION_CHOICES:
        assert f"<li>{escape(label)}</li>" in held, label
