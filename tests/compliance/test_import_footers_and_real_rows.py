"""Footers told from real rows at the end of a file, whatever a team is called and however a cell is written.

- A real last row that starts with a team named like a footer's label ('Total Quality', 'Records Management') and
  lacks one required value was taken for a footer: left out (listed, but the file could apply without it) instead
  of refused by its line. A row starting with a label now needs only figures (counts, dates) after it to be a footer.
- A totals row written as text formulas (="Total",="12", as a reporting tool that keeps leading zeros writes every
  cell) was read as a team coded 'Total' named '12': the footer test read the cells as written, not as Excel shows
  them (`csvfiles.cell_value`), so its label was '="Total"'. It now reads them as the records are read.
- A team really named 'Total', and a number kept as ="0012", read as themselves (passing before, no change)."""

import pytest

from portal.people.models import Team
from portal.people.organisation_import import plan_organisation
from portal.people.roster import plan_roster
from tests import factories

ROSTER_HEADINGS = "Organisation,Employee Number,First Name,Last Name,Work Email,Hire Date"
ORGANISATION_HEADINGS = "Organisation Code,Organisation Name,Parent Organisation Code"


def csv_file(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.fixture
def trust(db):
    return Team.add_root(code="RX1", name="Example Trust", kind=Team.ORGANISATION)


@pytest.mark.parametrize("name", ["Total Quality", "Records Management", "Count Me In Project"])
def test_a_real_last_row_of_a_team_named_like_a_label_missing_a_value_is_refused_by_its_line(trust, name):
    factories.make_team(name, parent=trust)
    data = csv_file(
        ROSTER_HEADINGS,
        f"{name},1001,Ann,Able,ann@example.nhs.uk,01/04/2020",
        f"{name},1002,Ben,Best,,01/04/2020",  # no work email
    )
    plan = plan_roster(data)
    assert plan.rows == 2 and not plan.can_apply
    assert plan.rejected == [(3, "Work Email '' is not an email address")] and not plan.ignored


@pytest.mark.parametrize("footer", ["Total:,1,1,1,,", "Report run on,07/12/2026,1,1,,", "Total,2,2,2,,"])
def test_a_footer_of_a_label_and_figures_filling_some_required_columns_is_still_left_out(trust, footer):
    """Passing before, no change: a label followed by counts or a date is a footer, however many columns it fills."""
    team = factories.make_team("Ward 1", parent=trust)
    data = csv_file(ROSTER_HEADINGS, f"{team.name},1001,Ann,Able,ann@example.nhs.uk,01/04/2020", footer)
    plan = plan_roster(data)
    assert plan.can_apply and plan.rows == 1, (plan.problems, plan.rejected)
    assert [line for line in plan.ignored if line.startswith("Line 3:")], plan.ignored


@pytest.mark.parametrize(
    "total", ['="Total",="12",', '="Total",="12"', 'Total,="2",', '="Grand Total:",="1 234",=""', '="Count",="2",']
)
def test_a_totals_row_written_as_text_formulas_is_a_footer_not_a_team(trust, total):
    data = csv_file(ORGANISATION_HEADINGS, "RX1-W1,Ward 1,RX1", "RX1-W2,Ward 2,RX1", total)
    plan = plan_organisation(data)
    assert plan.can_apply and plan.rows == 2, (plan.problems, plan.rejected)
    assert [row.code for row in plan.to_create] == ["RX1-W1", "RX1-W2"]
    assert plan.ignored[0].startswith("Line 4: ") and "is a footer or summary line" in plan.ignored[0]


def test_a_footer_label_written_as_a_text_formula_under_a_roster_is_left_out(trust):
    team = factories.make_team("Ward 1", parent=trust)
    data = csv_file(
        ROSTER_HEADINGS,
        f"{team.name},1001,Ann,Able,ann@example.nhs.uk,01/04/2020",
        '="Total:",="1",="1",="1",="",=""',
    )
    plan = plan_roster(data)
    assert plan.can_apply and plan.rows == 1, (plan.problems, plan.rejected)
    assert plan.ignored == ["Line 3: 'Total: 1 1 1' is a footer or summary line, not a record"]


def test_a_team_named_total_and_numbers_kept_as_text_formulas_are_read_as_themselves(trust):
    """Passing before, no change: ="0012" is the employee number 0012, and a team named 'Total' is a team."""
    total = factories.make_team("Total", parent=trust)
    data = csv_file(
        ROSTER_HEADINGS,
        '="Total",="0012",Ann,Able,ann@example.nhs.uk,01/04/2020',
        "Total,0013,Ben,Best,ben@example.nhs.uk,01/04/2020",
    )
    plan = plan_roster(data)
    assert plan.can_apply and not plan.ignored, (plan.problems, plan.rejected, plan.ignored)
    assert sorted((p.employee_number, p.fields["team_id"]) for p in plan.to_create) == [
        ("0012", total.pk),
        ("0013", total.pk),
    ]


def test_an_organisation_file_with_a_team_coded_0012_named_total_adds_it(trust):
    """Passing before, no change: the code is read as Excel shows it, and a name 'Total' after a code is a team."""
    data = csv_file(ORGANISATION_HEADINGS, "RX1-W1,Ward 1,RX1", '="0012",="Total",="RX1"')
    plan = plan_organisation(data)
    assert plan.can_apply and not plan.ignored, (plan.problems, plan.rejected, plan.ignored)
    assert [(row.code, row.name, row.parent_code) for row in plan.to_create] == [
        ("RX1-W1", "Ward 1", "RX1"),
        ("0012", "Total", "RX1"),
    ]
