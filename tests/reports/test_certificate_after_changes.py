"""A certificate issued on one day still reads true, and still checks out on /verify/, whatever is changed afterwards
through any door: HR's renewal period or the training's name (`requirement_save`), the person's name (the roster
import), the policy page (the CMS), a correction (HR's page). The check shows the certificate as it was printed, and
says plainly what has changed since about the training it certifies; a certificate downloaded after the change
states the facts of the day it is issued, with a code of its own, as the person's own record does."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal.compliance.models import PolicySnapshot, Requirement, VerificationCode
from portal.compliance.services import attestation_record, requirement_save
from portal.people.models import StaffMember
from tests import factories
from tests.reports.test_certificates import download, pdf_text

COMPLETED = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))


@pytest.fixture
def team(db):
    return factories.make_team("Safeguarding team")


@pytest.fixture
def staff(person, team):
    return factories.make_staff(user=person, team=team, employee_number="5001")


@pytest.fixture
def course(db):
    return factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)


@pytest.fixture
def entry(staff, course):
    return factories.make_completion(staff, course, COMPLETED)


def issued(client, person, entry, tmp_path) -> tuple[str, str]:
    """The person downloads the certificate: (its code, its text read back from the PDF)."""
    response = download(client, person, entry)
    assert response.status_code == 200
    code = response["Content-Disposition"].split("certificate-")[1].removesuffix('.pdf"')
    client.logout()
    return code, pdf_text(response.content, tmp_path)


def checked(client, code) -> str:
    response = client.get(reverse("reports:verify", args=[code]))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_a_certificate_checks_out_as_printed_after_hr_shortens_the_renewal_period(
    client, person, entry, course, tmp_path
):
    code, printed = issued(client, person, entry, tmp_path)
    assert "2 March 2029" in printed and f"Issued {timezone.localdate():%-d %B %Y}" in " ".join(printed.split())
    course.renewal_months = 12
    requirement_save(requirement=course, user=factories.make_user())

    page = checked(client, code)
    assert "This certificate is genuine" in page
    assert "2 March 2029" in page  # as printed, not what the requirement says now
    assert (
        "Since the certificate was issued, the renewal period of this training has changed. Our records now count "
        "this completion as valid until 2 March 2027, not until 2 March 2029 as printed." in page
    )
    # Downloaded again, the certificate states the expiry that counts now, the person's own record's, with a new code.
    again, reprinted = issued(client, person, entry, tmp_path)
    assert again != code and "2 March 2027" in reprinted and "2 March 2029" not in reprinted
    factories.sign_in(client, person)
    assert "2 March 2027" in client.get(reverse("reports:my_training")).content.decode()
    client.logout()
    assert "Since the certificate was issued" not in checked(client, again)
    assert "2 March 2029" in checked(client, code)  # the first paper still checks out as printed


def test_a_certificate_from_before_a_longer_renewal_period_says_it_counts_for_longer(
    client, person, entry, course, tmp_path
):
    course.renewal_months = 6
    requirement_save(requirement=course, user=factories.make_user())
    code, printed = issued(client, person, entry, tmp_path)
    assert "2 September 2026" in printed
    course.renewal_months = 24
    requirement_save(requirement=course, user=factories.make_user())

    page = checked(client, code)
    assert "2 September 2026" in page and "It expired on 2 September 2026" not in page
    assert "Our records now count this completion as valid until 2 March 2028, not until 2 September 2026" in page


def test_a_renewal_period_removed_is_said_so(client, person, entry, course, tmp_path):
    code, _ = issued(client, person, entry, tmp_path)
    course.renewal_months = None
    requirement_save(requirement=course, user=factories.make_user())
    assert "valid with no expiry, not until 2 March 2029 as printed" in checked(client, code)


def test_a_reprint_with_nothing_changed_is_the_same_certificate(client, person, entry, tmp_path):
    code, printed = issued(client, person, entry, tmp_path)
    again, reprinted = issued(client, person, entry, tmp_path)
    assert (again, reprinted) == (code, printed)
    assert VerificationCode.objects.filter(entry=entry).count() == 1


def test_a_person_renamed_by_the_roster_import_keeps_the_name_their_certificate_was_issued_in(
    client, person, staff, team, entry, tmp_path
):
    code, printed = issued(client, person, entry, tmp_path)
    assert "Priya Shah" in printed
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Employee Number,First Name,Last Name,Work Email,Org Code,Start Date\r\n"
        f"5001,Priya,Shah-Jones,{staff.work_email},{team.code},06/01/2020\r\n"
    )
    call_command("import_roster", str(roster), "--apply", stdout=StringIO())
    assert StaffMember.objects.get(pk=staff.pk).full_name == "Priya Shah-Jones"

    page = checked(client, code)
    assert "This certificate is genuine" in page and "Priya Shah<" in page.replace(" <", "<")
    assert "Shah-Jones" not in page  # the name now is not the certificate's to tell whoever holds its code
    again, reprinted = issued(client, person, entry, tmp_path)
    assert again != code and "Priya Shah-Jones" in reprinted
    assert "Shah-Jones" in checked(client, again)


def test_a_training_renamed_since_is_named_both_ways(client, person, entry, course, tmp_path):
    code, _ = issued(client, person, entry, tmp_path)
    course.name = "Safeguarding Adults (Level 1)"
    requirement_save(requirement=course, user=factories.make_user())

    page = checked(client, code)
    assert "This certificate is genuine" in page and "Safeguarding Adults Level 1" in page
    assert "The training has been renamed since the certificate was issued: it is now called Safeguarding Adults " in (
        page
    )
    assert "Since the certificate was issued, the renewal period" not in page


def test_an_attestation_checks_out_after_its_policy_is_taken_off_the_site(client, person, staff, policy, tmp_path):
    factories.make_requirement(name="Policy attestation", kind=Requirement.ATTEST_POLICY, page=policy)
    snapshot = PolicySnapshot.objects.get(page_id=policy.pk)
    (attested,) = attestation_record(staff=staff, snapshot=snapshot, user=person)
    code, _ = issued(client, person, attested, tmp_path)
    policy.unpublish()  # any door: the CMS's Unpublish, the admin API, an expiry date

    page = checked(client, code)
    assert "This certificate is genuine" in page
    assert "Social Media and Digital Content Policy" in page and snapshot.content_hash in page


def test_a_completion_hr_corrects_is_said_to_be_withdrawn_not_unknown(client, person, entry, someone_else, tmp_path):
    from portal.people.roles import hr_group

    code, _ = issued(client, person, entry, tmp_path)
    someone_else.groups.add(hr_group())
    factories.with_mfa(someone_else)
    factories.sign_in(client, someone_else)
    client.post(reverse("corrections:void", args=[entry.pk]), {"reason": "Recorded against the wrong person"})
    client.logout()

    page = checked(client, code)
    assert "This certificate has been withdrawn" in page and "No certificate matches" not in page
    assert f"issued by this portal on {timezone.localdate():%-d %B %Y}" in page
    assert "wrong person" not in page  # HR's reason is HR's business
