"""A team named exactly 'Total' with a numeric code, last in an organisation file that puts the name before the code
('Total,4101'), was taken for a totals row and left out: listed on the dry run as a footer, and never created.

A row that fills every column the import needs is a record unless the file gives sound evidence that it is a total:
a figure where a record holds no bare number (the name column: 'Total,12' under 'Code,Name' would be a team named
'12'), or a figure equal to the number of records above it (a report counting its rows). A figure in a code column
is no evidence: many trusts' codes are numbers. A genuine totals row is still left out and listed."""

import pytest

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import ImportBatch
from portal.people.models import Team
from portal.people.organisation_import import plan_organisation
from tests.people.roster_doors import private_files  # noqa: F401 - kept uploads in this test's folder


def csv_file(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.fixture
def trust(db):
    return Team.add_root(code="RX1", name="Example Trust", kind=Team.ORGANISATION)


@pytest.mark.parametrize(
    "headings, rows",
    [
        ("Organisation Name,Organisation Code", ["Ward 1,4100", "Ward 2,4102", "Total,4101"]),
        ("Organisation Name,Organisation Code,Parent Organisation Code", ["Ward 1,4100,", "Total,4101,"]),
        ("Organisation Name,Organisation Code", ["Total,4101"]),
        ("Team Name,Team Code,Headcount", ["Ward 1,4100,12", "Total,4101,35"]),
    ],
)
def test_a_team_named_total_with_a_numeric_code_is_a_team(trust, headings, rows):
    plan = plan_organisation(csv_file(headings, *rows))
    assert plan.can_apply and not plan.ignored, (plan.ignored, plan.problems, plan.rejected)
    assert ("4101", "Total") in [(row.code, row.name) for row in plan.to_create]
    assert plan.rows == len(rows)


def test_the_team_named_total_is_created_when_the_file_is_applied(trust):
    data = csv_file("Organisation Name,Organisation Code,Parent Organisation Code", "Ward 1,4100,RX1", "Total,4101,")
    batch, _ = import_batch_create(kind="organisation", data=data, filename="org.csv", user=None)
    assert batch.summary["dry_run"]["ignored"] == [] and batch.summary["dry_run"]["counts"]["to_create"] == 2
    import_batch_apply(batch=batch, user=None, background=False)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    assert Team.objects.get(code="4101").name == "Total"


@pytest.mark.parametrize(
    "rows, total, line",
    [
        (["Ward 1,4100", "Ward 2,4102"], "Total,2", 4),  # the number of teams above it
        (["Ward 1,4100", "Ward 2,4102", "Ward 3,4103"], "Grand Total:,3", 5),
        (["Ward 1,4100"], "Total Teams,1", 3),
    ],
)
def test_a_totals_row_counting_the_teams_above_it_is_still_left_out(trust, rows, total, line):
    plan = plan_organisation(csv_file("Organisation Name,Organisation Code", *rows, total))
    assert plan.can_apply and plan.rows == len(rows)
    assert "Total" not in [row.name for row in plan.to_create]
    assert plan.ignored == [f"Line {line}: '{total.replace(',', ' ')}' is a footer or summary line, not a record"]


def test_a_subtotal_and_a_total_both_counting_the_teams_are_left_out(trust):
    data = csv_file("Organisation Name,Organisation Code", "Ward 1,4100", "Ward 2,4102", "Sub total,2", "Total,2")
    plan = plan_organisation(data)
    assert plan.can_apply and plan.rows == 2 and len(plan.ignored) == 2, plan.ignored


@pytest.mark.parametrize("total", ["Total,12,", "Total,1,"])
def test_with_the_code_first_a_count_in_the_name_column_is_a_total_whatever_its_number(trust, total):
    """Passing before, no change: a team named '12' is no team; the label sits in the code column."""
    data = csv_file("Organisation Code,Organisation Name,Parent Organisation Code", "RX1-W1,Ward 1,RX1", total)
    plan = plan_organisation(data)
    assert plan.can_apply and [row.code for row in plan.to_create] == ["RX1-W1"] and len(plan.ignored) == 1
