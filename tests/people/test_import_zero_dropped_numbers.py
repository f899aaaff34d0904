"""A number a spreadsheet stripped of its leading zeros. Excel opens an ESR CSV and reads 00012345 as the number
12345; saved again, the file names Zoë by 12345. A roster used to take that for a new person (a second Zoë, or a
refusal that her email "belongs to another employee"), and a completions file skipped her completion as "not on the
roster". Each door now refuses the row, naming the number the portal holds, and changes nothing."""

import datetime

import pytest

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch
from portal.people.models import Assignment, StaffMember
from tests import factories
from tests.dry_runs import dry_run_refused
from tests.people.roster_doors import esr_file, esr_row, everything, private_files, refused_everywhere

__all__ = ["private_files"]  # the fixture roster_doors gives every roster test

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"


def twin_message(number: str, twin: str, column: str = "Employee Number") -> str:
    return (
        f"{column} {number} is not in the portal, but {twin} is: the two differ only in leading zeros, which Excel "
        f"drops from numbers. Give the number as the portal holds it, {twin} (in Excel, format the column as Text "
        "first), then upload the file again"
    )


@pytest.fixture
def team(db):
    return factories.make_team("Communications")


@pytest.fixture
def zoe(team):
    return factories.make_staff(
        employee_number="00012345", first_name="Zoë", last_name="Ahmed", work_email="zoe@example.nhs.uk", team=team
    )


@pytest.fixture
def adults(db):
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    return requirement


@pytest.mark.parametrize("email", ["zoe@example.nhs.uk", "zoe.ahmed2@example.nhs.uk"], ids=["same email", "new email"])
def test_a_roster_naming_someone_without_their_zeros_is_refused(zoe, team, tmp_path, email):
    data = esr_file(esr_row("12345", "12345", first="Zoë", last="Ahmed", email=email, code=team.code))
    refused_everywhere(data, tmp_path, "Line 2: " + twin_message("12345", "00012345"))


def test_a_roster_giving_zeros_the_portal_does_not_hold_is_refused(team, tmp_path):
    factories.make_staff(employee_number="12345", team=team)
    data = esr_file(esr_row("00012345", "00012345-1", code=team.code))
    refused_everywhere(data, tmp_path, "Line 2: " + twin_message("00012345", "12345"))


def test_new_numbers_and_numbers_the_portal_holds_still_apply(zoe, team):
    data = esr_file(
        esr_row("00012345", "00012345", first="Zoë", last="Ahmed", email="zoe@example.nhs.uk", code=team.code),
        esr_row("12399", "12399-1", code=team.code),
    )
    batch, plan = import_batch_create(kind="roster", data=data, filename="esr.csv", user=None)
    assert plan.can_apply and [p.employee_number for p in plan.to_create] == ["12399"], plan.errors
    import_batch_apply(batch=batch, user=None, background=False)
    assert sorted(StaffMember.objects.values_list("employee_number", flat=True)) == ["00012345", "12399"]


@pytest.mark.parametrize("strict", [False, True], ids=["skipping people not on the roster", "strict"])
def test_a_completion_naming_someone_without_their_zeros_is_refused_not_skipped(zoe, adults, tmp_path, strict):
    data = f"Employee Number,Competence Name,Achievement Date\r\n12345,{ADULTS},01/02/2025\r\n".encode()
    batch, plan = import_batch_create(
        kind="completions", data=data, filename="olm.csv", user=None, options={"strict": strict}
    )
    message = twin_message("12345", "00012345", "Person")
    assert (plan.rejected, plan.not_on_roster, plan.can_apply) == ([(2, message)], [], False)
    path = tmp_path / "olm.csv"
    path.write_bytes(data)
    said = dry_run_refused("import_file", "completions", str(path), *(["--strict"] if strict else []))
    assert f"line 2: {message}" in said
    import_batch_apply(batch=batch, user=None)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.FAILED and not EvidenceEntry.objects.exists()


def test_an_assignment_number_with_zeros_is_found_too(team, adults):
    """The person named by the number of their post, held with its zeros, though their employee number has none."""
    sam = factories.make_staff(employee_number="E77", team=team, start_date=datetime.date(2020, 1, 6))
    Assignment.objects.create(staff=sam, number="0077001")
    data = f"Assignment Number,Competence Name,Achievement Date\r\n77001,{ADULTS},01/02/2025\r\n".encode()
    before = everything()
    _, plan = import_batch_create(kind="completions", data=data, filename="olm.csv", user=None)
    assert plan.rejected == [(2, twin_message("77001", "0077001", "Person"))]
    assert everything() == before
