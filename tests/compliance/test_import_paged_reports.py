"""A report exported page by page: each page ends with its footer ("Page 1 of 2") and the next opens with the report's
title and the headings again. The headings again were left out, but the footer and title between them were read as
records: a roster refused the file ('Employee Number 'Page 1 of 2' ...', and again for the title), an organisation
file refused it ('Organisation Name is empty'), and a completions file counted the footer as a course not completed.
The rows a page break leaves before the headings again, if each is a footer or too empty to be a record, are now left
out and listed, as the footers at the end are; the records either side are read as before."""

import pytest

from portal.compliance.completions import plan_completions
from portal.people.models import Team
from portal.people.organisation_import import plan_organisation
from portal.people.roster import plan_roster
from tests import factories

ROSTER = "Employee Number,First Name,Last Name,Work Email,Organisation Code,Hire Date"
ORGANISATION = "Organisation Code,Organisation Name,Parent Organisation Code"
COMPLETIONS = "Person,Competence Name,Achievement Date,Expiry Date"


def paged(headings: str, *pages: list[str]) -> bytes:
    """The pages one under the other, each: the title, the headings, its rows, its footer, a blank line."""
    lines = []
    for number, rows in enumerate(pages, start=1):
        lines += ["Staff in Post - run 07/12/2026", headings, *rows, f"Page {number} of {len(pages)}", ""]
    return ("\r\n".join(lines) + "\r\n").encode()


def between(headings: str, page_end: int) -> list[str]:
    """What the list of lines left out says of a page break whose footer is on line `page_end`."""
    return [
        f"Line {page_end}: 'Page 1 of 2' is a page's footer or title, not a record",
        f"Line {page_end + 2}: 'Staff in Post - run 07/12/2026' is a page's footer or title, not a record",
        f"Line {page_end + 3}: '{headings.replace(',', ' ')}' repeats the headings, not a record",
    ]


def test_a_paged_roster_reads_the_people_on_each_page(db):
    team = factories.make_team("Communications")
    data = paged(
        ROSTER,
        [f"1001,Ann,Able,ann@example.nhs.uk,{team.code},01/04/2020"],
        [f"1002,Ben,Best,ben@example.nhs.uk,{team.code},01/04/2020"],
    )
    plan = plan_roster(data)
    assert plan.can_apply and plan.rows == 2, plan.errors
    assert sorted(person.employee_number for person in plan.to_create) == ["1001", "1002"]
    assert plan.ignored == [
        "Line 1: 'Staff in Post - run 07/12/2026' is above the headings, not a record",
        *between(ROSTER, 4),
        "Line 9: 'Page 2 of 2' is a footer or summary line, not a record",
        "2 blank lines",
    ]


def test_a_paged_organisation_file_adds_the_teams_on_each_page(db):
    data = paged(ORGANISATION, ["RX1,Example Trust,"], ["CORP,Corporate Services,RX1"])
    plan = plan_organisation(data)
    assert plan.can_apply and plan.rows == 2, (plan.problems, plan.rejected)
    assert [(row.code, row.parent_code) for row in plan.to_create] == [("RX1", ""), ("CORP", "RX1")]
    assert between(ORGANISATION, 4) == plan.ignored[1:4]


def test_a_paged_completions_file_counts_no_footer_as_a_course_not_completed(db):
    Team.add_root(code="RX1", name="Example Trust", kind=Team.ORGANISATION)
    data = paged(COMPLETIONS, ["1001|Able,Fire Safety,01/02/2026,"], ["1002|Best,Fire Safety,,"])
    plan = plan_completions(data)
    assert plan.rows == 2 and plan.not_completed == 1 and plan.skipped == {"Fire Safety": 1}
    assert between(COMPLETIONS, 4) == plan.ignored[1:4]


@pytest.mark.parametrize("name", ["Total Quality", "Records Management"])
def test_a_real_row_before_the_headings_again_is_still_refused_by_its_line(db, name):
    """Only rows that are footers, or too empty to be records, are left out at a page break: a real last row of a
    page missing one value is refused by its line, as at the end of the file."""
    team = factories.make_team(name)
    data = paged(
        "Organisation,Employee Number,First Name,Last Name,Work Email,Hire Date",
        [f"{name},1001,Ann,Able,,01/04/2020"],
        [f"{team.name},1002,Ben,Best,ben@example.nhs.uk,01/04/2020"],
    )
    plan = plan_roster(data)
    assert plan.rejected == [(3, "Work Email '' is not an email address")]
