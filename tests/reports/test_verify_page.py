"""/verify/: anyone, signed out, types the code printed on a certificate and reaches its check; what cannot be a code
gets a message naming what is wrong with it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.compliance.models import VerificationCode
from portal.people.models import StaffMember
from portal.reports.certificates import verification_code_for
from tests import factories


@pytest.fixture
def code(person):
    staff = factories.make_staff(user=person)
    course = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    entry = factories.make_completion(staff, course, timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0)))
    return verification_code_for(entry).code


def test_a_signed_out_visitor_gets_the_form(client, db):
    response = client.get(reverse("reports:verify_start"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<form method="get" action="/verify/"' in html and 'name="code"' in html
    assert "There is a problem" not in html  # nothing typed yet: no error


def test_a_code_typed_from_paper_leads_to_the_certificates_check(client, code):
    typed = f" {code[:4].lower()} {code[4:8]}-{code[8:]} "
    response = client.get(reverse("reports:verify_start"), {"code": typed})
    assert response.status_code == 302 and response["Location"] == f"/verify/{code}/"
    html = client.get(response["Location"]).content.decode()
    assert "This certificate is genuine" in html and "Safeguarding Adults Level 1" in html


def test_a_well_formed_code_that_matches_nothing_is_plainly_not_found(client, code):
    response = client.get(reverse("reports:verify_start"), {"code": "ABCDEFGHJKMN"}, follow=True)
    html = response.content.decode()
    assert response.status_code == 404 and "No certificate matches this code" in html
    assert "Enter the code again" in html and "Safeguarding" not in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the verification code printed on the certificate"),
        ("   ", "Enter the verification code printed on the certificate"),
        ("ABCD EFGH JK", "The code must be 12 letters and numbers; you entered 10"),
        ("ABCDEFGHJKMNP", "The code must be 12 letters and numbers; you entered 13"),
        ("ABCD EFGH JKM0", "The code cannot contain “0”: codes use only letters and the numbers 2 to 9"),
        ("abcd efgh jkmo", "The code cannot contain “O”: codes use only letters and the numbers 2 to 9"),
        ("ABCD/EFGH/JK1L", "The code cannot contain “/” “1” “L”:"),
        ("ABCD\u202eEFGHJKMN", "The code cannot contain right-to-left override:"),
    ],
)
def test_what_cannot_be_a_code_is_named_and_nothing_else_happens(client, db, typed, message):
    before = VerificationCode.objects.count()
    response = client.get(reverse("reports:verify_start"), {"code": typed})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "<title>Error: Check a certificate" in html
    assert message in html.replace("&#x27;", "'")
    assert '<a href="#id_code">' in html and 'aria-describedby="id_code-hint id_code-error"' in html
    assert VerificationCode.objects.count() == before


def test_the_check_a_code_leads_to_still_shows_only_what_the_certificate_shows(client, person, code):
    staff = StaffMember.objects.get(user=person)
    html = client.get(reverse("reports:verify_start"), {"code": code}, follow=True).content.decode()
    assert "This certificate is genuine" in html and "Check another certificate" in html
    for private in [person.email, staff.employee_number, staff.job_title]:
        assert private not in html


def test_the_certificate_page_links_here(client, code):
    assert 'href="/verify/"' in client.get(reverse("reports:verify", args=[code])).content.decode()


def test_every_page_links_to_the_check_from_its_footer(client, db):
    """Someone holding a certificate finds where to check it from any page, signed in or not."""
    html = client.get(reverse("accessibility_statement")).content.decode()
    footer = html[html.index('<footer class="nhsuk-footer"') :]
    assert f'href="{reverse("reports:verify_start")}">Check a training certificate</a>' in footer
