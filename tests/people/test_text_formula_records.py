"""A record migration people 0010 left holding a text formula (="E5") because another record holds what a file reads
it as (E5) can be matched by no file: every roster dry run lists such records, under "Records no file can match",
naming the record holding the value, and `manage.py text_formula_records` lists them and fails (exit 1) while any
remain, for the release step to run after `migrate` (docs/deploy.md)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.compliance.models import ImportBatch
from portal.people.models import Assignment, Team
from portal.people.roles import hr_group
from portal.people.text_formulas import text_formula_records
from tests import factories
from tests.people.roster_doors import command, esr_file, esr_row
from tests.people.roster_doors import private_files as _private_files  # noqa: F401 (autouse)

HEADING = "Records no file can match"


@pytest.fixture
def held(db):
    """Kim holds E5 and the post E6; Sam's number and Ali's post read as those; Ward A's code reads as Ward B's."""
    kim = factories.make_staff(employee_number="E5", first_name="Kim", last_name="Lee")
    Assignment.objects.create(staff=kim, number="E6")
    factories.make_staff(employee_number='="E5"', first_name="Sam", last_name="Taylor")
    ali = factories.make_staff(employee_number="E8", first_name="Ali", last_name="Khan")
    Assignment.objects.create(staff=ali, number='="E6"')
    Team.add_root(code='="AB"', name="Ward A", kind=Team.TEAM)
    Team.add_root(code="ab", name="Ward B", kind=Team.TEAM)
    factories.make_staff(employee_number="E9", first_name="Jo", last_name="Bell")  # as a file reads it: no record
    Team.add_root(code="0124", name="Ward C", kind=Team.TEAM)


LISTED = [
    'Assignment number ="E6" of Ali Khan (employee E8) reads as E6 in a file, which is an assignment number of Kim '
    "Lee (employee E5)",
    'Employee number ="E5" of Sam Taylor reads as E5 in a file, which is the employee number of Kim Lee',
    'Team code ="AB" of Ward A reads as AB in a file, which is the code of Ward B (ab)',
]


def test_the_records_and_who_holds_their_value(held):
    assert text_formula_records() == LISTED


def test_two_records_reading_the_same_name_each_other(db):
    factories.make_staff(employee_number='="E7"', first_name="Sam", last_name="Taylor")
    factories.make_staff(employee_number='=" E7"', first_name="Ana", last_name="Silva")
    assert text_formula_records() == [
        'Employee number =" E7" of Ana Silva reads as E7 in a file, as the employee number ="E7" of Sam Taylor does',
        'Employee number ="E7" of Sam Taylor reads as E7 in a file, as the employee number =" E7" of Ana Silva does',
    ]


def test_the_command_lists_them_and_fails(held):
    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("text_formula_records", stdout=out)
    assert out.getvalue().splitlines() == [f"{HEADING}:", *(f"  {line}" for line in LISTED)]
    assert str(failed.value).startswith('3 records hold a text formula (="...") that a file reads as another')


def test_the_command_says_all_clear_in_one_line(db):
    factories.make_staff(employee_number="E5")
    out = io.StringIO()
    call_command("text_formula_records", stdout=out)
    assert out.getvalue() == 'No record holds a text formula (="...") a file would read as another record\'s value.\n'


def test_every_roster_dry_run_lists_them(held, client, tmp_path):
    team = factories.make_team("Communications")
    data = esr_file(esr_row("E100", "E100-1", code=team.code))
    said = command(data, tmp_path)
    assert f"  {HEADING}:" in said.splitlines() and f"    {LISTED[1]}" in said.splitlines()

    hr = factories.make_user()
    hr.groups.add(hr_group())
    factories.sign_in(client, factories.with_mfa(hr))
    client.post(reverse("imports:upload", args=["roster"]), {"file": SimpleUploadedFile("r.csv", data)})
    batch = ImportBatch.objects.get(filename="r.csv")  # the upload's; the command's is esr.csv
    assert batch.summary["dry_run"]["unmatchable"] == LISTED
    page = client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert f"<h2>{HEADING}</h2>" in page and "which is the employee number of Kim Lee" in page


def test_a_dry_run_with_none_says_nothing_of_them(db, tmp_path):
    team = factories.make_team("Communications")
    said = command(esr_file(esr_row("E100", "E100-1", code=team.code)), tmp_path)
    assert HEADING not in said


def test_the_check_is_three_scans_and_a_few_reads_whatever_the_number(db):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            text_formula_records()
        return len(captured.captured_queries)

    factories.make_staff(employee_number="E5")
    assert queries() == 3  # people, posts and teams holding '="': none
    for n in range(1, 3):
        holder = factories.make_staff(employee_number=f"H{n}")
        factories.make_staff(employee_number=f'="H{n}"')
        Assignment.objects.create(staff=holder, number=f"P{n}")
        factories.make_staff().assignments.update(number=f'="P{n}"')
        Team.add_root(code=f"c{n}", name=f"Ward {n}", kind=Team.TEAM)
        Team.add_root(code=f'="C{n}"', name=f"Ward {n}{n}", kind=Team.TEAM)
        if n == 1:
            few = queries()
    # and: the people and the posts holding those values, their holders' names, every team
    assert queries() == few == 3 + 4
