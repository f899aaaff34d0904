"""A file the import commands cannot read (no permission to read it, a disk error) is refused with its path and the
reason, as a CommandError, and nothing changes. The commands ended in a PermissionError's traceback."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portal.compliance.models import ImportBatch
from portal.people.models import StaffMember
from tests.compliance.test_import_utf16 import private_files, roster_text, team  # noqa: F401


@pytest.fixture
def unreadable(tmp_path, team, unreadable_file):  # noqa: F811
    """A roster file the command's user may not read."""
    path = tmp_path / "roster.csv"
    path.write_text(roster_text(team), encoding="utf-8")
    return unreadable_file(path)


@pytest.mark.parametrize(
    "command",
    [["import_roster"], ["import_file", "roster"], ["import_file", "organisation"], ["import_completions"]],
)
def test_a_file_that_cannot_be_read_is_refused_by_name_and_nothing_changes(unreadable, command):
    with pytest.raises(CommandError) as refused:
        call_command(*command, str(unreadable), "--apply", stdout=StringIO())
    assert str(refused.value) == f"Cannot read {unreadable}: Permission denied. Nothing was changed."
    assert (ImportBatch.objects.count(), StaffMember.objects.count()) == (0, 0)
