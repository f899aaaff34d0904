"""The certificate upload asks for the completion date with the NHS.UK date input (day, month and year boxes,
portal.lib.forms.DayMonthYearField): each mistake gets a message naming what is wrong, and nothing is stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.compliance.models import Certificate
from portal.compliance.projection import refresh
from portal.lib.forms import DayMonthYearField
from tests import factories
from tests.compliance.test_certificates import PDF


@pytest.fixture
def course(person):
    staff = factories.make_staff(user=person)
    requirement = factories.make_requirement(name="Safeguarding Children Level 1", renewal_months=36)
    refresh(staff_ids=[staff.pk])
    return requirement


def post(client, course, day, month, year):
    data = {"requirement": course.pk, "completed_on_day": day, "completed_on_month": month, "completed_on_year": year}
    return client.post(reverse("certificates:upload"), {**data, "file": SimpleUploadedFile("c.pdf", PDF)})


def test_the_page_shows_three_labelled_boxes_in_a_fieldset(person_client, course):
    html = person_client.get(reverse("certificates:upload")).content.decode()
    assert '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">When did you complete the course?' in html
    for part in ("day", "month", "year"):
        assert f'id="id_completed_on_{part}" name="completed_on_{part}" type="text" inputmode="numeric"' in html
    assert 'type="date"' not in html and "typed as" not in html


def test_a_date_typed_in_the_boxes_is_stored(person_client, course):
    assert post(person_client, course, "5", "3", "2026").status_code == 302
    assert str(Certificate.objects.get().completed_on) == "2026-03-05"


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter the date you completed the course"),
        ("15", "", "2026", "The date you completed the course must include a month"),
        ("", "", "2026", "The date you completed the course must include a day and a month"),
        ("31", "2", "2026", "The date you completed the course must be a real date"),
        ("1", "March", "2026", "The date you completed the course must be a real date"),
        ("1", "3", "26", "The date you completed the course must have a year with 4 numbers, for example 2026"),
    ],
)
def test_each_mistake_is_named_and_nothing_is_stored(person_client, course, day, month, year, message):
    response = post(person_client, course, day, month, year)
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html and message in html
    assert '<a href="#id_completed_on_day">' in html  # the error summary links to the first box
    assert f'name="completed_on_month" type="text" inputmode="numeric" value="{month}"' in html or not month
    assert not Certificate.objects.exists()


def test_a_date_given_as_initial_or_iso_text_fills_the_boxes():
    field = DayMonthYearField(label_in_errors="the date")
    assert field.widget.decompress("2026-03-05") == [5, 3, 2026]
    assert field.widget.decompress("not a date") == [None, None, None]
    assert field.clean(["05", "03", "2026"]).isoformat() == "2026-03-05"
