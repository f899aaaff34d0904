"""The list of what a completions dry run would record (the dry run page's download, the command's --list) is a CSV
HR opens in a spreadsheet: no cell of it starts a formula, whichever sign starts it, the full-width ones (＝ ＋ － ＠)
as the exports treat them (portal.lib.formula_text)."""

import csv
import io

import pytest

from portal.compliance.completions import completions_listing_csv, plan_completions
from portal.lib.formula_text import FORMULA_STARTS
from tests.compliance import test_completions as base
from tests.compliance.test_completions import ADULTS, esr

people, adults = base.people, base.adults  # Grace 20001 and Sam 20002; Safeguarding Adults Level 1 mapped


@pytest.mark.parametrize("sign", FORMULA_STARTS, ids=lambda sign: f"U+{ord(sign):04X}")
def test_a_name_starting_with_a_formula_sign_is_listed_as_text(people, adults, sign):
    grace, _ = people
    grace.first_name = f'{sign}HYPERLINK("https://example.com","Grace")'
    grace.save(update_fields=["first_name"])
    adults.name = f"{sign}1+1 Safeguarding"
    adults.save(update_fields=["name"])
    out = io.StringIO()
    completions_listing_csv(plan_completions(esr(f'"20001|Jones, Grace","{ADULTS}",01/02/2026,')), out)
    row = list(csv.reader(io.StringIO(out.getvalue())))[1]
    assert row[2] == f'\'{sign}HYPERLINK("https://example.com","Grace") Jones'
    assert row[4] == f"'{sign}1+1 Safeguarding"
