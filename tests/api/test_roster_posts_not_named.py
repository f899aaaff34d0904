"""A roster write without a person's assignment_number says nothing about which post it is for, as a file without
the column: it is the person's one post. Someone the portal holds as E...-1 gained a second post numbered like their
employee number; someone with several posts is now refused, naming them and their posts, and nothing changes."""

from portal.people.models import Assignment, StaffMember
from tests import factories

from .conftest import roster_row


def _send(api, people, key, **body):
    return api("post", "/api/v1/roster", "roster", {"people": people, **body}, key=key)


def _posts(staff) -> list[str]:
    return list(Assignment.objects.filter(staff=staff).values_list("number", flat=True))


def test_a_person_sent_without_a_post_keeps_their_one_post(api, org):
    ana = factories.make_staff(team=org["teams"]["comms"], job_title="Staff Nurse")
    Assignment.objects.filter(staff=ana).update(number=f"{ana.employee_number}-1")

    answer = _send(api, [roster_row(ana, job_title="Sister")], "one-post")
    assert answer.status_code == 202 and answer.json()["import"]["status"] == "done", answer.content
    assert _posts(ana) == [f"{ana.employee_number}-1"]
    assert StaffMember.objects.get(pk=ana.pk).job_title == "Sister"

    answer = _send(
        api, [roster_row(ana, assignment_number=f"{ana.employee_number}-2", job_title="Matron")], "named-post"
    )
    assert answer.status_code == 202, answer.content
    assert _posts(ana) == [f"{ana.employee_number}-1", f"{ana.employee_number}-2"]


def test_a_person_with_several_posts_sent_without_one_is_refused(api, org):
    ana = factories.make_staff(team=org["teams"]["comms"], first_name="Ana", last_name="Silva", job_title="Nurse")
    number = ana.employee_number
    Assignment.objects.filter(staff=ana).update(number=f"{number}-1")
    Assignment.objects.create(staff=ana, number=f"{number}-2")

    answer = _send(
        api, [roster_row(org["people"]["sam"], job_title="Clerk"), roster_row(ana, job_title="Sister")], "two-posts"
    )
    assert answer.status_code == 422, answer.content
    assert answer.json()["errors"] == [
        {
            "field": "people[1]",
            "message": f"people[1]: the row gives no Assignment Number, and Ana Silva (employee {number}) holds more "
            f"than one post in the portal ({number}-1, {number}-2): give the Assignment Number of the post this row "
            "is for",
        }
    ]
    assert _posts(ana) == [f"{number}-1", f"{number}-2"]
    assert StaffMember.objects.get(pk=ana.pk).job_title == "Nurse"
