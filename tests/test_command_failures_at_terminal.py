"""The commands an HR officer or an operator types, run as they run them: `python manage.py ...` in a process of its
own, its output on a terminal (a pseudo-terminal here). Bad input (a missing file, a directory, a file that cannot
be read, an option that is not valid) and an unexpected failure (here: a database nobody migrated) end in words
naming what is wrong and a non-zero exit, never in a Python traceback: not one let through, and not one logged
above the message (the console log kept printing the traceback a command had just told in words). Run from cron
(no terminal), the log still gets the traceback; with --traceback the person gets it.

call_command (tests/test_command_failures.py) cannot show either: Django prints a CommandError without a traceback
only when run from manage.py, and only a real process has a terminal of its own."""

import os
import pty
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
POLICY = ROOT / "portal" / "demo" / "content" / "policy.txt"
UNREADABLE = Path("/proc/self/mem")  # a regular file whose read fails (EIO), even for root, who runs CI
COLOUR = re.compile(r"\x1b\[[0-9;]*m")
IN_THE_LOG = "The details are in the server's log; run the command again with --traceback to see them here."
HERE = "Run the command again with --traceback to see the details."

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a pseudo-terminal and /proc/self/mem")


# The test settings, but for the receipt store, which a test may point elsewhere.
SETTINGS = """import os
from portal.settings.test import *  # noqa: F403
PORTAL_RECEIPT_DIR = os.environ.get("RECEIPTS_FOR_THIS_TEST") or PORTAL_RECEIPT_DIR  # noqa: F405
"""


def _environment(database: Path, receipts: Path | None) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "PYTEST_", "PORTAL_"))
    }
    folder = database.parent / "settings"
    folder.mkdir(exist_ok=True)
    (folder / "command_settings.py").write_text(SETTINGS)
    env.update(
        DJANGO_SETTINGS_MODULE="command_settings",
        DATABASE_URL=f"sqlite:///{database}",
        PYTHONPATH=f"{ROOT}{os.pathsep}{folder}",
        RECEIPTS_FOR_THIS_TEST=str(receipts or ""),
    )
    return env


def manage(database: Path, *args, terminal=True, receipts: Path | None = None) -> tuple[int, str]:
    """Run `manage.py *args` with its output on a terminal (or, `terminal=False`, on pipes, as cron runs it):
    (exit status, what it printed, colours taken out)."""
    command = [sys.executable, str(ROOT / "manage.py"), *map(str, args)]
    env = _environment(database, receipts)
    if not terminal:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
        return done.returncode, (done.stdout + done.stderr).strip()
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes with the process
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    status = process.wait(timeout=180)
    return status, COLOUR.sub("", output.decode("utf-8", "replace").replace("\r\n", "\n")).strip()


@pytest.fixture(scope="module")
def migrated(request, tmp_path_factory, django_db_blocker) -> Path:
    """A migrated SQLite file for the commands: a copy of the suite's own SQLite test database when there is one (made
    in milliseconds with SQLite's backup), else `migrate` run in a process of its own (about 20 s of CPU)."""
    database = tmp_path_factory.mktemp("commands") / "portal.sqlite3"
    if _suite_database_is_sqlite(request):
        from django.db import connection

        with django_db_blocker.unblock():
            connection.ensure_connection()
            with sqlite3.connect(database) as copy:
                connection.connection.backup(copy)
        return database
    status, output = manage(database, "migrate", "--no-input", "-v", "0", terminal=False)
    assert status == 0, output
    return database


def _suite_database_is_sqlite(request) -> bool:
    from django.db import connection

    from tests.conftest import _test_database

    request.getfixturevalue("django_db_setup")
    return _test_database["made"] and connection.vendor == "sqlite"


@pytest.fixture
def unmigrated(tmp_path) -> Path:
    """A database file nobody ran migrate on: every command's first query fails."""
    return tmp_path / "empty.sqlite3"


def assert_refused(status: int, output: str, message: str, *, exit_status: int = 1) -> None:
    assert "Traceback" not in output, output
    assert status == exit_status, output
    assert output.endswith(message), output


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("files")
    (folder / "a folder").mkdir()
    return {"missing": folder / "missing.csv", "folder": folder / "a folder", "root": folder}


@pytest.mark.parametrize("command", [["import_file", "roster"], ["import_policy"]], ids=" ".join)
def test_an_import_of_a_file_that_is_not_there_or_not_a_file_says_so(unmigrated, files, command):
    for path in (files["missing"], files["folder"]):
        assert_refused(*manage(unmigrated, *command, path), f"CommandError: There is no file at {path}.")


@pytest.mark.parametrize("command", [["import_completions"], ["import_policy"]], ids=" ".join)
def test_an_import_of_a_file_that_cannot_be_read_says_why(unmigrated, command):
    message = f"CommandError: Cannot read {UNREADABLE}: Input/output error. Nothing was changed."
    assert_refused(*manage(unmigrated, *command, UNREADABLE), message)


def test_a_pack_that_is_not_there_cannot_be_read_or_is_not_a_pdf_says_so(unmigrated, files):
    csv = files["root"] / "pack.csv"
    csv.write_text("a,b\n")
    pdf = files["root"] / "pack.pdf"
    pdf.write_text("not a PDF")
    cases = [
        ((files["missing"], csv), f"CommandError: Cannot read {files['missing']}: No such file or directory."),
        ((UNREADABLE, csv), f"CommandError: Cannot read {UNREADABLE}: Input/output error."),
        ((pdf, UNREADABLE), f"CommandError: Cannot read {UNREADABLE}: Input/output error."),
        ((pdf, csv), f"CommandError: {pdf}: This file cannot be read as a PDF (Stream has ended unexpectedly)."),
    ]
    for paths, message in cases:
        status, output = manage(unmigrated, "verify_pack", *paths)
        assert_refused(status, output, message)
        assert "EOF marker" not in output  # pypdf's own warning, printed above the command's words


@pytest.mark.parametrize(
    ("args", "message", "exit_status"),
    [
        (["send_reminders", "--date", "31/02/2026"], "--date must be a date written YYYY-MM-DD, not '31/02/2026'.", 1),
        (["send_reminders", "--wait", "soon"], "error: argument --wait: invalid int value: 'soon'", 2),
        (["keep_figures", "--days", "0"], "--days must be between 1 and 3660.", 1),
        (["keep_figures", "--days", "a week"], "error: argument --days: invalid int value: 'a week'", 2),
        (["import_policy", POLICY, "--into", "99999999999999999999"], "with the id or slug “99999999999999999999”.", 1),
        (["import_policy", POLICY, "--into", "²"], "There is no policy page with the id or slug “²”.", 1),
        (["import_policy", POLICY, "--parent", "-1"], "There is no page with id -1.", 1),
        (["db_roles", "--app-role", "portal_app"], "Database roles apply to PostgreSQL; this database is sqlite.", 1),
    ],
    ids=lambda value: " ".join(map(str, value)) if isinstance(value, list) else None,
)
def test_an_option_that_is_not_valid_is_named(migrated, args, message, exit_status):
    status, output = manage(migrated, *args)
    assert "Traceback" not in output and status == exit_status, output
    assert message in output.splitlines()[-1], output


def test_receipts_from_a_folder_that_is_not_there_are_refused(unmigrated, files):
    message = f"CommandError: --receipts: there is no folder at {files['missing']}. Nothing was checked."
    assert_refused(*manage(unmigrated, "verify_evidence", "--receipts", files["missing"]), message)


def test_a_receipt_store_that_cannot_be_written_is_named(migrated, files, tmp_path):
    in_a_file = tmp_path / "a file" / "receipts"
    in_a_file.parent.write_text("not a folder")
    status, output = manage(migrated, "publish_receipt", receipts=in_a_file)
    assert_refused(
        status,
        output,
        f"CommandError: Cannot write the receipt to the receipt store {in_a_file} (PORTAL_RECEIPT_DIR): Not a "
        f"directory ({in_a_file}). No receipt was published: make it a folder the portal may write to, then run it "
        "again.",
    )


def test_a_dry_run_of_a_file_that_would_be_refused_fails_after_its_report(migrated, files):
    """A script runs the dry run, then --apply only if it succeeded: the dry run of a file the apply would refuse
    prints its whole report on stdout, as before, then fails as the apply does (the refusal on stderr, exit status 1);
    one the apply would take still exits 0. Run as a script runs it, without a terminal."""
    header = "Organisation Code,Organisation Name,Parent Organisation Code"
    good, bad = files["root"] / "good-teams.csv", files["root"] / "bad-teams.csv"
    good.write_text(f"{header}\nRX1,Example Trust,\n")
    bad.write_text(f"{header}\nRX1,Example Trust,\nRX1-A,,RX1\n")
    env = _environment(migrated, None)

    def dry_run(path: Path) -> subprocess.CompletedProcess:
        command = [sys.executable, str(ROOT / "manage.py"), "import_file", "organisation", str(path)]
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)

    refused = dry_run(bad)
    assert refused.returncode == 1, refused
    assert refused.stdout.startswith("Dry run of bad-teams.csv: 2 rows in ") and "  line 3: " in refused.stdout
    assert "Run again with --apply" not in refused.stdout and "Traceback" not in refused.stderr
    assert refused.stderr == (
        "CommandError: Dry run: bad-teams.csv cannot be applied. Fix the rejected rows and problems above, then "
        "import again. Nothing was changed.\n"
    )
    taken = dry_run(good)
    assert (taken.returncode, taken.stderr) == (0, ""), taken
    assert "Nothing was changed. Run again with --apply to apply it" in taken.stdout


UNEXPECTED = [
    (["rebuild_status"], "Rebuilding the status failed with OperationalError: no such table: compliance_requirement"),
    (["keep_figures"], "Keeping the figures failed with OperationalError: no such table: reports_keptday"),
    (["remove_old_packs"], "failed with OperationalError: no such table: reports_evidencepack"),
    (["send_reminders"], "failed with OperationalError: no such table: accounts_user"),
    (["verify_evidence"], "Verifying the evidence failed with OperationalError: no such table: compliance_"),
    (["publish_receipt"], "Publishing the receipt failed with OperationalError: no such table: compliance_"),
    (["import_policy", POLICY], "Importing policy.txt failed with OperationalError: no such table: modules_homepage"),
    (["import_policy", POLICY, "--into", "3"], "Importing policy.txt failed with OperationalError: no such table"),
    (["import_roster", POLICY], "The dry run of policy.txt failed with OperationalError: no such table"),
]


@pytest.mark.parametrize(("args", "failure"), UNEXPECTED, ids=lambda value: None)
def test_an_unexpected_failure_at_a_terminal_is_told_in_words_without_a_traceback(unmigrated, args, failure):
    status, output = manage(unmigrated, *args)
    assert_refused(status, output, HERE)
    assert failure in output and IN_THE_LOG not in output


def test_setup_site_on_a_database_nobody_migrated_says_to_migrate(unmigrated):
    message = "CommandError: The database is not up to date. Run python manage.py migrate first, then setup_site."
    assert_refused(*manage(unmigrated, "setup_site"), message)


def test_run_from_cron_the_log_still_has_the_traceback(unmigrated):
    status, output = manage(unmigrated, "rebuild_status", terminal=False)
    assert status == 1 and output.endswith(IN_THE_LOG), output
    assert "Traceback (most recent call last)" in output and "Rebuilding the status failed" in output


def test_with_traceback_the_person_at_the_terminal_gets_it(unmigrated):
    status, output = manage(unmigrated, "rebuild_status", "--traceback")
    assert status == 1 and "Traceback (most recent call last)" in output, output
    assert output.splitlines()[-1].endswith("no such table: compliance_requirement")
