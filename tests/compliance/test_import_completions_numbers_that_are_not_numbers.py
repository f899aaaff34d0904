"""A completions file naming a person by something that is no number ("N/A", "-", "#N/A", "TBC", a date Excel made
of the number) called the row "not on the roster": skipped without a word of what was wrong, so a file HR had
half-filled by hand could apply, its completions recorded for no one. The row is now refused by its line, naming the
column and the value in the roster import's words (people.roster.numbers.number_error), and stops the file as every
other refused row does, strict or not: nothing is recorded. A number the portal holds is matched whatever its shape,
and a real number nobody holds is still skipped as not on the roster."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from portal.compliance.completions import plan_completions
from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch, RequirementStatus
from tests import factories
from tests.dry_runs import dry_run_refused
from tests.people.roster_doors import private_files  # noqa: F401 - kept uploads in this test's folder
from tests.people.test_import_numbers_that_are_not_numbers import a_date, not_a_number

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
NOT_NUMBERS = ["N/A", "n/a", "-", "#N/A", "TBC", "12 34"]


@pytest.fixture
def adults(db):
    factories.make_staff(employee_number="20001")
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    return requirement


def completions(*rows: str, header: str = "Employee Number,Competence Name,Achievement Date") -> bytes:
    return ("\r\n".join([header, f"20001,{ADULTS},01/02/2025", *rows]) + "\r\n").encode()


def nothing_recorded() -> tuple:
    return EvidenceEntry.objects.count(), RequirementStatus.objects.filter(completed_on__isnull=False).count()


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("number", NOT_NUMBERS)
def test_a_person_number_that_is_no_number_is_refused_by_line_and_value(adults, number, strict):
    plan = plan_completions(completions(f"{number},{ADULTS},01/02/2025"), strict=strict)
    assert plan.rejected == [(3, not_a_number("Employee Number", number))]
    assert not plan.can_apply and plan.not_on_roster == [] and len(plan.to_record) == 1


@pytest.mark.parametrize(
    "header, held, row, message",
    [
        (
            "Person,Competence Name,Achievement Date",
            f'"20001|Jones, Grace",{ADULTS},01/02/2025',
            f'"N/A|Taylor, Sam",{ADULTS},01/02/2025',
            not_a_number("Person", "N/A"),
        ),
        (
            "Employee Number,Assignment Number,Competence Name,Achievement Date",
            f"20001,,{ADULTS},01/02/2025",
            f"20009,TBC,{ADULTS},01/02/2025",
            not_a_number("Assignment Number", "TBC"),
        ),
        (
            "Employee Number,Competence Name,Achievement Date",
            f"20001,{ADULTS},01/02/2025",
            f"01/02/2026,{ADULTS},01/02/2025",
            a_date("Employee Number", "01/02/2026"),
        ),
    ],
)
def test_the_column_the_number_is_read_from_is_named(adults, header, held, row, message):
    plan = plan_completions(("\r\n".join([header, held, row]) + "\r\n").encode())
    assert plan.rejected == [(3, message)] and not plan.can_apply and len(plan.to_record) == 1


def test_every_door_refuses_the_file_and_nothing_is_recorded(adults, tmp_path):
    data = completions(f"N/A,{ADULTS},01/02/2025")
    message = "Line 3: " + not_a_number("Employee Number", "N/A")
    before = nothing_recorded()
    batch, plan = import_batch_create(kind="completions", data=data, filename="olm.csv", user=None)
    assert not plan.can_apply and [tuple(row) for row in batch.summary["dry_run"]["rejected"]] == [(3, message[8:])]
    import_batch_apply(batch=batch, user=None, background=False)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.FAILED and "Nothing was changed" in batch.error
    path = tmp_path / "olm.csv"
    path.write_bytes(data)
    said = dry_run_refused("import_file", "completions", str(path))
    assert message.replace("Line", "line", 1) in said
    with pytest.raises(CommandError, match="Not applied"):
        call_command("import_file", "completions", str(path), "--apply", stdout=io.StringIO())
    assert nothing_recorded() == before == (0, 0)


def test_a_number_nobody_holds_is_still_skipped_as_not_on_the_roster(adults):
    """Passing before, no change: a leaver's or another trust's number is a number, listed and skipped."""
    plan = plan_completions(completions(f"20009,{ADULTS},01/02/2025", f"E0000009,{ADULTS},01/02/2025"))
    assert plan.can_apply and plan.rejected == []
    assert plan.not_on_roster == [(3, "20009"), (4, "E0000009")]


def test_a_held_number_of_any_shape_is_still_matched(adults):
    """Passing before, no change: the check is for numbers the portal does not hold."""
    factories.make_staff(employee_number="TBC")
    plan = plan_completions(completions(f"TBC,{ADULTS},02/02/2025"))
    assert plan.can_apply and [row.completed_on for row in plan.to_record] == [
        datetime.date(2025, 2, 1),
        datetime.date(2025, 2, 2),
    ]
