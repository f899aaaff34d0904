"""A row that gives no Assignment Number (a file without the column, or an empty cell) says nothing about which post
it is for. It used to be taken as a post numbered like the employee number: someone the portal holds as 30001-1 (ESR's
"employee number - assignment") gained a second post, 30001, whenever a file without the column changed anything
about them. Now such a row is the person's one post; someone with several is refused, naming them and their posts,
and nothing changes. A new person (or one the portal holds no post for) still gets a post numbered like their
employee number, as before."""

import pytest

from portal.people.models import Assignment, StaffMember
from tests import factories
from tests.people.roster_doors import command, refused_everywhere, upload, upload_and_apply
from tests.people.roster_doors import private_files as _private_files  # noqa: F401 (autouse)

NO_POST_COLUMN = "Employee Number,First Name,Last Name,Work Email,Position Title,Organisation Code,Hire Date"
POST_COLUMN = (
    "Employee Number,Assignment Number,First Name,Last Name,Work Email,Position Title,Organisation Code,Hire Date"
)


def roster(header: str, *rows: str) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def row(staff, title: str, post: str | None = None) -> str:
    number = staff.employee_number if hasattr(staff, "employee_number") else staff
    email = staff.work_email if hasattr(staff, "work_email") else f"p{number}@example.nhs.uk"
    post = "" if post is None else f"{post},"
    return f"{number},{post}Ana,Silva,{email},{title},{{code}},04/05/2021"


def posts(number: str) -> list[str]:
    return list(Assignment.objects.filter(staff__employee_number=number).values_list("number", flat=True))


@pytest.fixture
def ana(teams):
    """Held as ESR numbers her post: 30001-1, and no post called 30001."""
    staff = factories.make_staff(
        employee_number="30001", first_name="Ana", last_name="Silva", team=teams["comms"], job_title="Staff Nurse"
    )
    Assignment.objects.filter(staff=staff).update(number="30001-1")
    return staff


@pytest.mark.parametrize("header, cell", [(NO_POST_COLUMN, None), (POST_COLUMN, "")], ids=["no column", "empty cell"])
def test_a_row_naming_no_post_is_the_persons_one_post(ana, teams, tmp_path, header, cell):
    data = roster(header, row(ana, "Senior Staff Nurse", cell).format(code=teams["comms"].code))
    _, plan = upload(data)
    assert plan.can_apply, plan.errors
    assert [person.assignments for _, person, _ in plan.to_change] == [["30001-1"]]
    assert "changed: 1" in command(data, tmp_path)

    upload_and_apply(data)
    assert posts("30001") == ["30001-1"]
    assert StaffMember.objects.get(pk=ana.pk).job_title == "Senior Staff Nurse"


def test_the_column_names_the_post(ana, teams):
    """For comparison: a file with the column adds the post it names, as a second post."""
    code = teams["comms"].code
    upload_and_apply(roster(POST_COLUMN, row(ana, "Staff Nurse", "30001-1").format(code=code)))
    assert posts("30001") == ["30001-1"]
    upload_and_apply(roster(POST_COLUMN, row(ana, "Sister", "30001-2").format(code=code)))
    assert posts("30001") == ["30001-1", "30001-2"]


@pytest.mark.parametrize("header, cell", [(NO_POST_COLUMN, None), (POST_COLUMN, "")], ids=["no column", "empty cell"])
def test_someone_with_several_posts_is_refused_naming_them(ana, teams, tmp_path, header, cell):
    Assignment.objects.create(staff=ana, number="30001-2")
    refused_everywhere(
        roster(header, row(ana, "Sister", cell).format(code=teams["comms"].code)),
        tmp_path,
        "Line 2: the row gives no Assignment Number, and Ana Silva (employee 30001) holds more than one post in the "
        "portal (30001-1, 30001-2): give the Assignment Number of the post this row is for",
    )
    assert StaffMember.objects.get(pk=ana.pk).job_title == "Staff Nurse"


def test_a_row_naming_no_post_beside_one_naming_a_post_is_refused(ana, teams, tmp_path):
    code = teams["comms"].code
    refused_everywhere(
        roster(POST_COLUMN, row(ana, "Sister", "30001-2").format(code=code), row(ana, "Sister", "").format(code=code)),
        tmp_path,
        "Line 3: the row gives no Assignment Number, and employee 30001 has another post in the file (line 2): give "
        "the Assignment Number of each of their posts",
    )


def test_a_new_person_gets_a_post_numbered_like_them(teams, ana):
    """As before: someone new, or someone the portal holds no post for, gets a post numbered like the employee."""
    Assignment.objects.filter(staff=ana).delete()
    code = teams["comms"].code
    upload_and_apply(
        roster(NO_POST_COLUMN, row("30009", "Porter").format(code=code), row(ana, "Sister").format(code=code))
    )
    assert posts("30009") == ["30009"]
    assert posts("30001") == ["30001"]


def test_two_rows_of_one_person_naming_no_post_are_one_post(ana, teams, tmp_path):
    code = teams["comms"].code
    same = row(ana, "Sister").format(code=code)
    upload_and_apply(roster(NO_POST_COLUMN, same, same))
    assert posts("30001") == ["30001-1"]
    refused_everywhere(
        roster(NO_POST_COLUMN, same, row(ana, "Matron").format(code=code)),
        tmp_path,
        "Line 3: Employee 30001 is also on line 2 with different values (Job Title). Keep one of them",
    )
