"""An organisation code a spreadsheet stripped of its leading zeros. Excel opens an ESR CSV and reads the code 0123
as the number 123; saved again, the roster places people in team 123, and the organisation file names team 0123 as
123. The roster used to say only that 123 "is not a known team", and the organisation import took 123 for a new team
beside 0123 (a second Payroll, its people and managers left behind). Each now refuses the row, naming the code the
portal holds, and changes nothing; the same holds the other way round (zeros gained by a file the portal took
without them)."""

import pytest

from portal.people.models import Team
from portal.people.organisation_import import plan_organisation
from tests.people.roster_doors import esr_file, esr_row, private_files, refused_everywhere, upload

__all__ = ["private_files"]  # the fixture roster_doors gives every roster test

ORGANISATION_HEADER = "Organisation Code,Organisation Name,Parent Organisation Code"


def twin_message(code: str, twin: str, column: str = "Organisation Code") -> str:
    return (
        f"{column} {code} is not in the portal, but {twin} is: the two differ only in leading zeros, which Excel "
        f"drops from numbers. Give the number as the portal holds it, {twin} (in Excel, format the column as Text "
        "first), then upload the file again"
    )


@pytest.fixture
def tree(db):
    trust = Team.add_root(code="RX1", name="Example Trust", kind=Team.ORGANISATION)
    payroll = trust.add_child(code="0123", name="Payroll", kind=Team.TEAM)
    Team.objects.get(pk=trust.pk).add_child(code="450", name="Estates", kind=Team.TEAM)
    return {"trust": trust, "payroll": payroll}


@pytest.mark.parametrize(("written", "held"), [("123", "0123"), ("00450", "450")], ids=["zeros lost", "zeros gained"])
def test_a_roster_placing_someone_in_a_code_without_its_zeros_is_refused(tree, tmp_path, written, held):
    data = esr_file(esr_row("20001", "20001-1", code=written))
    refused_everywhere(data, tmp_path, "Line 2: " + twin_message(written, held))


def test_a_roster_row_whose_team_name_matches_is_still_placed_by_it(tree):
    _, plan = upload(esr_file(esr_row("20001", "20001-1", code="123", team="Payroll")))
    assert plan.can_apply, plan.errors


def _organisation(*rows: str) -> bytes:
    return ("\r\n".join([ORGANISATION_HEADER, *rows]) + "\r\n").encode()


def test_an_organisation_file_naming_a_team_without_its_zeros_adds_no_second_team(tree):
    plan = plan_organisation(_organisation("RX1,Example Trust,", "123,Payroll,RX1"))

    assert plan.rejected == [(3, twin_message("123", "0123"))]
    assert not plan.to_create and not plan.can_apply
    assert sorted(Team.objects.values_list("code", flat=True)) == ["0123", "450", "RX1"]


def test_an_organisation_file_naming_a_parent_without_its_zeros_is_refused(tree):
    plan = plan_organisation(_organisation("P1,Payslips,123"))

    assert plan.rejected == [(2, twin_message("123", "0123", "Parent Organisation Code"))]
    assert not plan.can_apply


def test_a_file_with_both_codes_adds_the_one_it_asks_for(tree):
    """A file naming 0123 and 123 both means two teams: nothing was rewritten."""
    plan = plan_organisation(_organisation("0123,Payroll,RX1", "123,Pensions,RX1"))

    assert plan.rejected == [] and [row.code for row in plan.to_create] == ["123"]


def test_codes_that_are_not_all_digits_are_matched_as_before(tree):
    plan = plan_organisation(_organisation("RX1-0123,Payroll East,RX1"))

    assert plan.rejected == [] and [row.code for row in plan.to_create] == ["RX1-0123"]
