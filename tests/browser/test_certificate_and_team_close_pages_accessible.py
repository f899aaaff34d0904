"""axe-core on the pages the certificate and team-closing audit fixes added: the HR queue with an officer's own
certificate (no buttons, a sentence), the page refusing a certificate whose stored file has changed, and the
close-team page naming the managers who stop seeing the team."""

import datetime
import secrets
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from portal.compliance.certificates import certificate_upload
from portal.compliance.projection import refresh
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session
from tests.compliance.test_certificates import PDF

pytestmark = BROWSER_DB


def _certificate(staff, course):
    return certificate_upload(
        staff=staff,
        requirement=course,
        data=PDF + secrets.token_hex(8).encode(),
        filename="course.pdf",
        completed_on=timezone.localdate(),
        user=staff.user,
    )


def test_the_certificate_and_close_team_pages_pass_axe(page, live_server, site, axe_check):
    user = factories.make_user(email="dev@example.nhs.uk", first_name="Dev", last_name="Patel")
    user.groups.add(hr_group())
    factories.with_mfa(user)
    hr = factories.make_staff(user=user)
    sam = factories.make_staff(first_name="Sam", last_name="Person")
    course = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    refresh()
    _certificate(hr, course)
    changed = _certificate(sam, course)
    Path(changed.file.path).write_bytes(PDF + b"% changed")
    archive = factories.make_team("Archive")
    TeamManager.objects.create(staff=sam, team=archive, started_on=datetime.date(2024, 4, 1))

    sign_in_by_session(page, live_server.url, user)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    page.goto(f"{live_server.url}/certificates/queue/")
    expect(page.get_by_text("Another HR officer must check this certificate.")).to_be_visible()
    axe_check(page)
    response = page.goto(f"{live_server.url}/certificates/{changed.pk}/file/")
    assert response.status == 409
    expect(page.get_by_role("heading", name="The certificate's file has changed")).to_be_visible()
    axe_check(page)
    page.goto(f"{live_server.url}/hr/organisation/{archive.pk}/close/")
    expect(page.get_by_text("The managers of this team stop seeing it on")).to_be_visible()
    axe_check(page)
