"""The import commands refuse a file larger than the import page takes for its kind (30 MB for a roster, 5 MB for
the organisation's teams, 20 MB for completions), before reading it, and change nothing. They read any size: the page's
limit was the form's alone, so a file it refused was kept, planned and applied from the command line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portal.compliance.imports.base import importer_for
from portal.compliance.models import ImportBatch
from portal.people.models import StaffMember, Team
from tests.compliance.test_import_utf16 import organisation_text, private_files, roster_text, team  # noqa: F401

MB = 1024 * 1024


def _padded(path, text: str, size: int) -> str:
    """`text` followed by blank lines (which every import skips) up to `size` bytes: lines of spaces, a kilobyte
    each, so that the import reads thousands of lines, not millions (a newline each took 30 seconds a test)."""
    data = text.encode("utf-8")
    pad = size - len(data)
    line = b" " * 1023 + b"\n"
    path.write_bytes(data + line * (pad // len(line)) + b"\n" * (pad % len(line)))
    return str(path)


@pytest.mark.parametrize(
    ("command", "megabytes", "noun"),
    [
        (["import_roster"], 30, "roster file"),
        (["import_file", "roster"], 30, "roster file"),
        (["import_file", "organisation"], 5, "organisation file"),
        (["import_completions"], 20, "completions file"),
        (["import_file", "completions"], 20, "completions file"),
    ],
)
def test_a_file_larger_than_the_page_takes_is_refused_and_nothing_changes(
    team,  # noqa: F811
    tmp_path,
    command,
    megabytes,
    noun,
):
    path = _padded(tmp_path / "big.csv", roster_text(team), megabytes * MB + 1)
    with pytest.raises(CommandError) as refused:
        call_command(*command, path, "--apply", stdout=StringIO())
    assert str(refused.value) == (
        f"big.csv is larger than {megabytes} MB, the most a {noun} may be, as on the import page. Nothing was changed."
    )
    assert (ImportBatch.objects.count(), StaffMember.objects.count(), Team.objects.count()) == (0, 0, 1)


def test_a_file_of_the_largest_size_the_page_takes_is_imported(team, tmp_path):  # noqa: F811
    assert importer_for("roster").max_bytes == 30 * MB  # the page's limit (views_imports.ImportUploadForm)
    path = _padded(tmp_path / "roster.csv", roster_text(team), 30 * MB)
    out = StringIO()
    call_command("import_roster", path, "--apply", stdout=out)
    assert "Applied in" in out.getvalue()
    assert StaffMember.objects.count() == 2


def test_the_organisation_file_is_measured_by_its_own_limit(db, tmp_path):
    path = _padded(tmp_path / "teams.csv", organisation_text(), 5 * MB)
    call_command("import_file", "organisation", path, "--apply", stdout=StringIO())
    assert Team.objects.count() == 2
