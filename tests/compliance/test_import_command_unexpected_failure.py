"""An import command whose apply fails unexpectedly (the database goes away part way) ends with a CommandError naming
the file, the exception's class and message, what was kept, and where the details are, not in a Python traceback.
A roster and an organisation file apply all or nothing, so nothing is kept; a completions file is recorded a chunk
at a time, so the chunks recorded before the failure are kept and said. With --traceback the exception itself goes
through, for its traceback."""

import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError

from portal.compliance import organisation
from portal.compliance import roster as compliance_roster
from portal.compliance.imports import completions as completions_import
from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch, RequirementStatus
from portal.people.models import StaffMember, Team
from tests import factories
from tests.compliance.test_completions import ADULTS, esr
from tests.compliance.test_import_utf16 import organisation_text, private_files, roster_text, team  # noqa: F401

DETAILS = "The details are in the server's log; run the command again with --traceback to see them here."


def everything() -> tuple:
    return (
        StaffMember.objects.count(),
        Team.objects.count(),
        EvidenceEntry.objects.count(),
        RequirementStatus.objects.count(),
    )


def failing(monkeypatch, module, name, *, on_call=1, error=None):
    """Make `module.name` raise on its `on_call`th call (the calls before it run as usual)."""
    real, calls = getattr(module, name), []

    def fails(*args, **kwargs):
        calls.append(1)
        if len(calls) == on_call:
            raise error or DatabaseError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, fails)


@pytest.fixture
def roster_file(tmp_path, team):  # noqa: F811
    path = tmp_path / "roster.csv"
    path.write_text(roster_text(team), encoding="utf-8")
    return path


@pytest.fixture
def completions_file(tmp_path, db):
    people = [factories.make_staff(employee_number=f"3000{n}", first_name=f"P{n}") for n in range(3)]
    adults = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=adults)
    path = tmp_path / "completions.csv"
    path.write_bytes(
        esr(
            *(
                f'"{staff.employee_number}|{staff.last_name}, {staff.first_name}","{ADULTS}",01/06/2025,'
                for staff in people
            )
        )
    )
    return path


def refusal(*command) -> str:
    with pytest.raises(CommandError) as refused:
        call_command(*command, "--apply", stdout=StringIO())
    return str(refused.value)


@pytest.mark.parametrize("command", [["import_roster"], ["import_file", "roster"]])
def test_a_roster_whose_apply_fails_changes_nothing_and_says_so(monkeypatch, roster_file, command):
    failing(monkeypatch, compliance_roster, "refresh")  # after the people are written: they go back
    before = everything()
    message = refusal(*command, str(roster_file))
    batch = ImportBatch.objects.get()
    assert message == (
        "Applying roster.csv failed with DatabaseError: server closed the connection unexpectedly\n"
        f"Nothing was applied (batch {batch.pk}, marked failed). {DETAILS}"
    )
    assert everything() == before
    assert batch.status == ImportBatch.FAILED and batch.rows_done == 0


def test_an_organisation_file_whose_apply_fails_part_way_changes_nothing(monkeypatch, tmp_path, db):
    path = tmp_path / "teams.csv"
    path.write_text(organisation_text(), encoding="utf-8")
    failing(monkeypatch, organisation, "team_create", on_call=2, error=RuntimeError("disk full"))
    before = everything()
    message = refusal("import_file", "organisation", str(path))
    assert message.startswith("Applying teams.csv failed with RuntimeError: disk full\nNothing was applied (batch ")
    assert message.endswith(DETAILS)
    assert everything() == before


def test_completions_whose_first_chunk_fails_record_nothing(monkeypatch, completions_file):
    failing(monkeypatch, completions_import.projection, "refresh")
    before = everything()
    message = refusal("import_completions", str(completions_file))
    assert message.startswith(
        "Applying completions.csv failed with DatabaseError: server closed the connection unexpectedly\n"
        "Nothing was applied (batch "
    )
    assert everything() == before


def test_completions_that_fail_part_way_keep_the_chunks_recorded_and_say_how_many(monkeypatch, completions_file):
    monkeypatch.setattr(completions_import, "CHUNK_ROWS", 2)
    failing(monkeypatch, completions_import.projection, "refresh", on_call=2)
    message = refusal("import_completions", str(completions_file))
    batch = ImportBatch.objects.get()
    assert message == (
        "Applying completions.csv failed with DatabaseError: server closed the connection unexpectedly\n"
        f"2 of 3 rows were applied before it failed, and are kept (batch {batch.pk}, marked failed). Importing the "
        f"same file again with --apply applies the rest, and nothing twice. {DETAILS}"
    )
    assert EvidenceEntry.objects.count() == 2

    monkeypatch.undo()
    call_command("import_completions", str(completions_file), "--apply", stdout=StringIO())
    assert EvidenceEntry.objects.count() == 3


def test_the_failure_is_logged_with_its_traceback(monkeypatch, roster_file, caplog):
    failing(monkeypatch, compliance_roster, "refresh")
    with caplog.at_level(logging.ERROR):
        refusal("import_roster", str(roster_file))
    failures = [record for record in caplog.records if record.exc_info]
    assert failures and all(isinstance(record.exc_info[1], DatabaseError) for record in failures)


@pytest.mark.parametrize("kind", ["roster", "completions"])
def test_with_traceback_the_exception_itself_goes_through(monkeypatch, roster_file, completions_file, kind):
    failing(monkeypatch, compliance_roster, "refresh", error=RuntimeError("boom"))
    failing(monkeypatch, completions_import.projection, "refresh", error=RuntimeError("boom"))
    before = everything()
    path = roster_file if kind == "roster" else completions_file
    with pytest.raises(RuntimeError, match="boom"):
        call_command("import_file", kind, str(path), "--apply", "--traceback", stdout=StringIO())
    assert everything() == before


def test_a_dry_run_that_fails_unexpectedly_is_told_plainly_and_applies_nothing(monkeypatch, roster_file):
    from portal.lib import uploads

    failing(monkeypatch, uploads, "stored_name", error=RuntimeError("boom"))  # as the file is kept
    before = everything()
    with pytest.raises(CommandError) as refused:
        call_command("import_roster", str(roster_file), "--apply", stdout=StringIO())
    assert (
        str(refused.value)
        == f"The dry run of roster.csv failed with RuntimeError: boom\nNothing was applied. {DETAILS}"
    )
    assert everything() == before


def test_a_refusal_to_apply_keeps_its_own_words(monkeypatch, roster_file):
    from portal.compliance.imports.services import ImportRefused
    from portal.compliance.management.commands import import_file

    def refused(**kwargs):
        raise ImportRefused("This roster is already being applied.")

    monkeypatch.setattr(import_file, "import_batch_apply", refused)
    assert refusal("import_roster", str(roster_file)) == "This roster is already being applied."
