"""Two things a report exported page by page, or totalled in Excel, carries that are not records.

- The heading row again part way down (a report that repeats its headings on each page, or two downloads pasted one
  under the other): it was read as a record, so a completions file offered 'Competence Name' as a course to map and
  counted the row as skipped, and a roster refused the file ("Work Email 'Work Email' is not an email address").
- A totals row under an organisation file ("Total,12"): its two required columns, code and name, are both filled, so
  it was not taken for a footer, and applying the file would have added a team coded 'Total', named '12', at the top
  of the tree.

Each is now left out and listed with what else was left out, naming its line; the records around it are read as
before."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.compliance.completions import plan_completions
from portal.people.models import Team
from portal.people.organisation_import import plan_organisation
from portal.people.roster import plan_roster
from tests import factories
from tests.compliance import test_completions as base
from tests.compliance.test_completions import ADULTS

people, adults = base.people, base.adults  # Grace 20001 and Sam 20002, Safeguarding Adults Level 1


def csv_file(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


def test_completions_headings_repeated_part_way_down_are_left_out(people, adults):
    headings = "Person,Competence Name,Achievement Date,Expiry Date"
    data = csv_file(
        headings,
        f"20001|Grace Hopper,{ADULTS},01/02/2026,",
        headings.upper().replace(",", " ,"),  # a second download pasted under the first: the same headings
        f"20002|Sam Taylor,{ADULTS},03/02/2026,",
    )
    plan = plan_completions(data)
    assert plan.can_apply and plan.rows == 2
    assert [(row.line, row.number) for row in plan.to_record] == [(2, "20001"), (4, "20002")]
    assert plan.summary["skipped_unmapped"] == 0 and not plan.skipped
    assert plan.ignored == [
        "Line 3: 'PERSON COMPETENCE NAME ACHIEVEMENT DATE EXPIRY DATE' repeats the headings, not a record"
    ]


def test_a_roster_with_its_headings_repeated_is_read_without_them(db):
    team = factories.make_team("Communications")
    headings = "Employee Number,First Name,Last Name,Work Email,Organisation Code,Hire Date"
    data = csv_file(
        "Staff in Post",
        headings,
        f"1001,Sam,Taylor,sam@example.nhs.uk,{team.code},03/01/2022",
        "",
        headings,
        f"1002,Ana,Silva,ana@example.nhs.uk,{team.code},04/01/2022",
    )
    plan = plan_roster(data)
    assert plan.can_apply and not plan.rejected and plan.summary["created"] == 2 and plan.rows == 2
    assert plan.ignored == [
        "Line 1: 'Staff in Post' is above the headings, not a record",
        f"Line 5: '{headings.replace(',', ' ')}' repeats the headings, not a record",
        "1 blank line",
    ]


def test_a_row_like_the_headings_in_the_columns_read_only_is_still_a_record(db):
    """Only a row that repeats every heading the import reads is left out: one that names a heading in one column
    is a record, refused by its line as before."""
    team = factories.make_team("Communications")
    data = csv_file(
        "Employee Number,First Name,Last Name,Work Email,Organisation Code,Hire Date",
        f"1001,Sam,Taylor,Work Email,{team.code},03/01/2022",
    )
    plan = plan_roster(data)
    assert plan.rows == 1 and [line for line, _ in plan.rejected] == [2] and not plan.ignored


@pytest.fixture
def trust(db):
    return Team.add_root(code="RX1", name="Example Trust", kind=Team.ORGANISATION)


@pytest.mark.parametrize("total", ["Total,12,", "Total:,12", "Grand Total,1 234,", "Count,2,"])
def test_an_organisation_files_totals_row_is_a_footer_not_a_team(trust, total):
    data = csv_file(
        "Organisation Code,Organisation Name,Parent Organisation Code",
        "RX1-W1,Ward 1,RX1",
        "RX1-W2,Ward 2,RX1",
        total,
    )
    plan = plan_organisation(data)
    assert plan.can_apply and plan.rows == 2
    assert [(row.code, row.parent_code) for row in plan.to_create] == [("RX1-W1", "RX1"), ("RX1-W2", "RX1")]


def test_a_team_whose_code_starts_like_a_label_is_still_a_team(trust):
    """A label word starts a footer only when nothing but numbers follows it: 'Records' named 'Health Records' is
    a team, even on the last line."""
    data = csv_file(
        "Organisation Code,Organisation Name,Parent Organisation Code",
        "RECORDS,Health Records,RX1",
    )
    plan = plan_organisation(data)
    assert plan.can_apply and [row.code for row in plan.to_create] == ["RECORDS"]


def test_the_organisation_dry_run_lists_what_it_left_out_and_did_not_use(trust, hr_client, settings, tmp_path):
    """As the roster's and the completions' do: the page and the command name the title, the totals row and the
    columns not read, which the organisation's dry run left out without a word."""
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path), "base_url": None}
    data = csv_file(
        "Organisation Hierarchy",
        "Organisation Code,Organisation Name,Parent Organisation Code,Cost Centre",
        "RX1-W1,Ward 1,RX1,C100",
        "Total,1,,",
    )
    plan = plan_organisation(data)
    assert plan.unused == ["Cost Centre"]
    assert plan.ignored == [
        "Line 1: 'Organisation Hierarchy' is above the headings, not a record",
        "Line 4: 'Total 1' is a footer or summary line, not a record",
    ]
    upload = SimpleUploadedFile("org.csv", data)
    page = hr_client.post(reverse("imports:upload", args=["organisation"]), {"file": upload}, follow=True)
    html = page.content.decode()
    assert "Not used: Cost Centre." in html and "Line 4: &#x27;Total 1&#x27; is a footer or summary line" in html


@pytest.mark.parametrize("name", ["Total Quality", "Total Reward", "Count Me In Project"])
def test_a_team_named_like_a_label_with_a_numeric_code_is_still_a_team(trust, name):
    """A file with the name before the code, and numeric codes (as many trusts' cost centres are): the last team,
    named 'Total Quality' and coded 4101, was taken for a totals row ('Total' and a count) and left out. Only a label
    alone in its cell ('Total', 'Grand Total:', 'Count') starts a totals row of counts."""
    data = csv_file("Organisation Name,Organisation Code", "Ward 1,4100", f"{name},4101")
    plan = plan_organisation(data)
    assert plan.can_apply and [row.code for row in plan.to_create] == ["4100", "4101"] and not plan.ignored
