"""An import command's option that the kind of file or a dry run does not use is refused, naming it, before the file
is read: it was ignored without a word, leaving whoever typed it thinking it had done something."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portal.compliance.models import ImportBatch
from portal.people.models import StaffMember
from tests.compliance.test_import_utf16 import private_files, roster_text, team  # noqa: F401


@pytest.fixture
def roster(tmp_path, team):  # noqa: F811
    path = tmp_path / "roster.csv"
    path.write_text(roster_text(team), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("command", "options", "named"),
    [
        (["import_roster"], ["--strict", "--apply"], "--strict is for a completions file"),
        (["import_file", "organisation"], ["--strict"], "--strict is for a completions file"),
        (["import_file", "organisation"], ["--sheet", "Teams"], "--sheet is for a roster or completions file"),
        (
            ["import_completions"],
            ["--confirm-identity-changes", "--apply"],
            "--confirm-identity-changes is for a roster",
        ),
        (
            ["import_roster"],
            ["--confirm-identity-changes"],
            "--confirm-identity-changes confirms an apply: add --apply",
        ),
        (["import_roster"], ["--background"], "--background hands an apply to the task worker: add --apply"),
        (["import_file", "completions"], ["--background"], "--background hands an apply to the task worker"),
    ],
)
def test_an_option_that_does_not_apply_is_refused_by_name_and_nothing_is_read(roster, command, options, named):
    with pytest.raises(CommandError) as refused:
        call_command(*command, str(roster), *options, stdout=StringIO())
    assert str(refused.value).startswith("Nothing was read or changed: ") and named in str(refused.value)
    assert (ImportBatch.objects.count(), StaffMember.objects.count()) == (0, 0)


def test_every_option_wrong_is_named_at_once(roster):
    with pytest.raises(CommandError) as refused:
        call_command("import_file", "organisation", str(roster), "--strict", "--background", stdout=StringIO())
    assert "--strict is for a completions file" in str(refused.value)
    assert "--background hands an apply to the task worker" in str(refused.value)


def test_the_options_that_apply_still_go_through(roster):
    out = StringIO()
    call_command("import_roster", str(roster), "--apply", "--confirm-identity-changes", "--sheet", "", stdout=out)
    assert "Applied in" in out.getvalue()
    assert StaffMember.objects.exists()
