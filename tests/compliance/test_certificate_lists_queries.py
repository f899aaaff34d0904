"""The two lists of certificates run as many queries for many as for one. HR's queue is pinned at 4 in
test_certificates with five certificates of one person; here the certificates are of people in different teams, some
of them leavers (each row names the person, their team, the course and any leave date), and for several courses.
My certificates, the person's own list, had no pinned count."""

import datetime
import secrets

from django.urls import reverse
from django.utils import timezone

from portal.compliance.certificates import certificate_upload
from portal.compliance.projection import refresh
from tests import factories
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PDF

staff, course, hr, other_client = (
    test_certificates.staff,
    test_certificates.course,
    test_certificates.hr,
    test_certificates.other_client,
)


def _upload(person, requirement, days_ago=3):
    return certificate_upload(
        staff=person,
        requirement=requirement,
        data=PDF + secrets.token_hex(8).encode(),
        filename="course.pdf",
        completed_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        user=person.user,
    )


def test_the_queue_runs_the_same_queries_for_people_of_many_teams(
    other_client, staff, course, hr, django_assert_num_queries
):
    _upload(staff, course)
    factories.sign_in(other_client, hr)
    # session, user, HR check, pending certificates (with staff, team, requirement)
    with django_assert_num_queries(4):
        other_client.get(reverse("certificates:queue"))

    second = factories.make_requirement(name="Safeguarding Adults Level 2", renewal_months=36)
    for n in range(6):
        person = factories.make_staff(team=factories.make_team(), first_name=f"Person{n}")
        if n % 2:
            person.leave_date = timezone.localdate() - datetime.timedelta(days=1)
            person.save(update_fields=["leave_date"])
        refresh(staff_ids=[person.pk])
        _upload(person, course, days_ago=5)
        _upload(person, second, days_ago=6)

    with django_assert_num_queries(4):
        html = other_client.get(reverse("certificates:queue")).content.decode()
    assert html.count("Person5") >= 2 and "Left on" in html and "Safeguarding Adults Level 2" in html


def test_my_certificates_runs_the_same_queries_for_one_as_for_many(
    person_client, staff, course, django_assert_num_queries
):
    _upload(staff, course)
    # session, user, staff record (with team), certificates (with requirement)
    with django_assert_num_queries(4) as one:
        person_client.get(reverse("certificates:mine"))

    second = factories.make_requirement(name="Safeguarding Adults Level 2", renewal_months=36)
    refresh(staff_ids=[staff.pk])
    for days_ago in range(5, 9):
        _upload(staff, course, days_ago=days_ago)
        _upload(staff, second, days_ago=days_ago)

    with django_assert_num_queries(len(one.captured_queries)):
        html = person_client.get(reverse("certificates:mine")).content.decode()
    assert html.count("Safeguarding Adults Level 2") >= 4
