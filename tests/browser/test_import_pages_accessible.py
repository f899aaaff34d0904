"""axe-core on the import pages in each state a batch can be in: the imports page, each kind's upload page and its
error, a dry run with rejected rows, a completions file waiting for a course mapping, an organisation dry run, and a
batch waiting, applying, failed part way and applied, and one whose worker stopped while it applied or waited."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from portal.compliance.imports.services import import_batch_create
from portal.compliance.models import CompetenceMapping, ImportBatch, Requirement
from portal.people.roles import hr_group
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in, totp_code

pytestmark = BROWSER_DB


def test_import_pages_pass_axe(page, live_server, site, axe_check):
    user = factories.make_user(email="dev@example.nhs.uk", first_name="Dev", last_name="Patel")
    user.groups.add(hr_group())
    factories.with_mfa(user)
    wards = factories.make_team("Wards")
    factories.make_staff(employee_number="20001", first_name="Grace", last_name="Jones", team=wards)
    sign_in(page, live_server.url, user.email)
    expect(page.get_by_role("heading", name="Enter the code from your authenticator app")).to_be_visible()
    page.get_by_label("Code", exact=True).fill(totp_code())
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()

    for path in ["/hr/imports/", "/hr/imports/organisation/"]:
        page.goto(f"{live_server.url}{path}")
        axe_check(page)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)

    course = "NHS|CSTF|Fire Safety - Level 1 - 3 Years|"
    factories.make_requirement(name="Fire Safety")
    unmapped, _ = import_batch_create(
        kind="completions",
        data=f'Person,Competence Name,Achievement Date\r\n"20001|Jones, Grace","{course}",01/06/2025\r\n'.encode(),
        filename="c.csv",
        user=user,
    )
    bad_roster, _ = import_batch_create(
        kind="roster",
        data=b"Employee Number,First Name,Last Name,Work Email,Org Code,Start Date\r\n"
        b"1,Ann,Able,ann@x.nhs.uk,NOPE,x\r\n",
        filename="r.csv",
        user=user,
    )
    tree, _ = import_batch_create(
        kind="organisation",
        data=b"Organisation Code,Organisation Name,Parent Organisation Code,Cost Centre\r\nRX1,Trust,,C1\r\n"
        b"RX1-C,Corporate,RX1,C2\r\nTotal,2,,\r\n",  # a column not used and a totals row: both listed
        filename="o.csv",
        user=user,
    )
    # As ESR gives them: an employee number re-used for someone new (listed first, with the box to confirm), unused
    # columns and a footer; a competence report listing who will be recorded, a blank date and a leaver skipped.
    identity, _ = import_batch_create(
        kind="roster",
        data=b"Employee Number,First Name,Last Name,Work Email,Org Code,Start Date,Payscale\r\n"
        + f"20001,Tom,Price,tom.price@x.nhs.uk,{factories.make_team('Finance').code},01/04/2020,Band 5\r\n".encode()
        + b"Report total: 1,,,,,,\r\n",
        filename="esr.csv",
        user=user,
    )
    # Grace moves from Wards to Finance: "Who must do what" warns that Ward induction would apply to no one.
    factories.make_requirement(name="Ward induction", applies_to_everyone=False).teams.add(wards)
    factories.make_requirement(name="Safeguarding Adults Level 1")
    adults = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
    CompetenceMapping.objects.create(
        competence_name=adults, requirement=Requirement.objects.get(name="Safeguarding Adults Level 1")
    )
    # and a course that counts towards a requirement retired since, skipped with what to do
    old_fire = factories.make_requirement(name="Fire Safety (old)", active=False, retired_reason="Replaced")
    CompetenceMapping.objects.create(competence_name=course.replace("Level 1", "Level 0"), requirement=old_fire)
    to_record, _ = import_batch_create(
        kind="completions",
        data=(
            "Person,Competence Name,Achievement Date\r\n"
            f'"20001|Jones, Grace","{adults}",01/06/2025 00:00\r\n'
            f'"20001|Jones, Grace","{adults}",\r\n'
            f'"99999|Leaver, Ann","{adults}",01/06/2025\r\n'
            f'"20001|Jones, Grace","{course.replace("Level 1", "Level 0")}",01/06/2025\r\n'
        ).encode(),
        filename="competences.csv",
        user=user,
    )
    page.goto(f"{live_server.url}/hr/imports/completions/")
    axe_check(page)  # the upload page with the sheet box and the strict checkbox
    for batch in (unmapped, bad_roster, tree, identity, to_record):
        page.goto(f"{live_server.url}/hr/imports/{batch.pk}/")
        axe_check(page)
    page.goto(f"{live_server.url}/hr/imports/{identity.pk}/")
    expect(page.get_by_text("A requirement would apply to no one")).to_be_visible()
    page.goto(f"{live_server.url}/hr/imports/{unmapped.pk}/")
    expect(page.get_by_text("Courses not yet mapped to a requirement")).to_be_visible()
    page.goto(f"{live_server.url}/hr/imports/{to_record.pk}/")
    expect(page.get_by_text("Courses that count towards a retired requirement (skipped)")).to_be_visible()

    for status, text in [
        (ImportBatch.QUEUED, "Waiting to apply"),
        (ImportBatch.RUNNING, "40,000 of 100,000 rows"),
        (ImportBatch.FAILED, "Applying this file failed"),
        (ImportBatch.DONE, "Recorded"),
    ]:
        ImportBatch.objects.filter(pk=unmapped.pk).update(
            status=status, rows_done=40_000, rows_total=100_000, error="The database went away"
        )
        page.goto(f"{live_server.url}/hr/imports/{unmapped.pk}/")
        expect(page.get_by_text(text).first).to_be_visible()
        axe_check(page)

    # Its worker stopped an hour ago (restarted while applying, or never running): the page says so, with the dry run
    # and its button to apply again; the imports page lists it as stopped.
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    for status, text in [
        (ImportBatch.RUNNING, "It got to 40,000 of 100,000 rows"),
        (ImportBatch.QUEUED, "It was waiting to start"),
    ]:
        ImportBatch.objects.filter(pk=to_record.pk).update(
            status=status, rows_done=40_000, rows_total=100_000, progress_at=an_hour_ago
        )
        page.goto(f"{live_server.url}/hr/imports/{to_record.pk}/")
        expect(page.get_by_text("Applying this file has stopped")).to_be_visible()
        expect(page.get_by_text(text)).to_be_visible()
        expect(page.get_by_role("button", name="Record 1 completions")).to_be_visible()
        axe_check(page)
    page.goto(f"{live_server.url}/hr/imports/")
    expect(page.get_by_text("stopped part way, apply it again to finish it")).to_be_visible()
    axe_check(page)
