"""axe-core on what the certificate audit added: the upload page refusing a file for what it is (an iPhone's HEIC
photo, a PDF carrying a script), with the error summary linking to the file field; and HR's queue marking a leaver,
after a verification refused for a completion after their leave date, with the message saying why. The queue's box
for a rejection's reason says who reads it: the person (on their page and in the email) and their manager; before it
said nothing, and an officer could write there what they meant for HR alone."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from portal.compliance.certificates import certificate_upload
from portal.compliance.projection import refresh
from portal.lib.forms import REASON_MAX_LENGTH
from portal.people.models import StaffMember
from portal.people.roles import hr_group
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session
from tests.compliance.test_certificate_pdf_active_content import open_script, pdf
from tests.compliance.test_certificates import PDF

pytestmark = BROWSER_DB
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


def test_the_upload_refusing_a_heic_photo_and_a_pdf_with_a_script_passes_axe(page, live_server, site, axe_check):
    user = factories.make_user(email="aisha@example.nhs.uk", first_name="Aisha", last_name="Rahman")
    factories.make_staff(user=user)
    factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    refresh()
    sign_in_by_session(page, live_server.url, user)
    page.goto(f"{live_server.url}/certificates/upload/")
    page.get_by_label("Day").fill("15")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Upload the certificate").set_input_files(
        {"name": "IMG_0042.HEIC", "mimeType": "image/heic", "buffer": HEIC}
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    summary = page.get_by_role("link", name="The selected file is a HEIC photo, as iPhones take them")
    expect(summary).to_have_attribute("href", "#id_file")
    axe_check(page)

    page.get_by_label("Upload the certificate").set_input_files(
        {"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": pdf(open_script)}
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    summary = page.get_by_role("link", name="The selected PDF contains a script that runs when it is opened or clicked")
    expect(summary).to_have_attribute("href", "#id_file")
    axe_check(page)


def test_the_queue_with_a_leaver_and_a_refused_verification_passes_axe(page, live_server, site, axe_check):
    user = factories.make_user(email="dev@example.nhs.uk", first_name="Dev", last_name="Patel")
    user.groups.add(hr_group())
    factories.with_mfa(user)
    sam = factories.make_staff(first_name="Sam", last_name="Person")
    course = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    refresh()
    certificate_upload(
        staff=sam,
        requirement=course,
        data=PDF,
        filename="course.pdf",
        completed_on=timezone.localdate() - datetime.timedelta(days=3),
        user=sam.user,
    )
    StaffMember.objects.filter(pk=sam.pk).update(leave_date=timezone.localdate() - datetime.timedelta(days=5))

    sign_in_by_session(page, live_server.url, user)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    page.goto(f"{live_server.url}/certificates/queue/")
    expect(page.get_by_text("Left on ")).to_be_visible()
    # The box for a rejection's reason says who reads it, and stops at the length a reason may have
    box = page.get_by_label("Reason for rejecting")
    expect(box).to_have_accessible_description(
        "Sam Person sees this reason on their certificates page and in the email telling them, and their manager "
        "sees it on Sam Person's page."
    )
    expect(box).to_have_attribute("maxlength", str(REASON_MAX_LENGTH))
    axe_check(page)
    page.get_by_role("button", name="Verify Sam Person's certificate").click()
    expect(page.get_by_text("so it cannot be verified. Reject it instead, saying why.")).to_be_visible()
    axe_check(page)
