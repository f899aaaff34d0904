"""`make demo PORT=8765` prints the sign-ins at the address it serves on. Before, load_demo always printed
http://127.0.0.1:8000/accounts/login/, whatever HOST and PORT said, so the address given did not answer (and the
emails' links, built from PORTAL_BASE_URL, pointed there too)."""

import os
import shutil
import subprocess
import textwrap
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = settings.BASE_DIR


@pytest.fixture
def loaded(demo_loaded, db, settings):
    settings.DEBUG = True  # load_demo refuses to run without it
    return demo_loaded


def test_the_sign_ins_are_printed_at_the_portals_address(loaded, settings):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8765"  # what PORTAL_BASE_URL sets
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "\nDemo sign-ins (http://127.0.0.1:8765/accounts/login/):\n" in out.getvalue()
    assert ":8000" not in out.getvalue()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_demo_gives_every_command_the_address_it_serves_on(tmp_path):
    """The demo recipe as make runs it, with a stand-in for the venv's python that notes the address each command is
    given and returns at once (the install step left out: it would run pip)."""
    bin_dir, noted = tmp_path / "bin", tmp_path / "noted"
    bin_dir.mkdir()
    python = bin_dir / "python"
    python.write_text(
        textwrap.dedent(f"""\
        #!/bin/sh
        echo "$2${{3:+ $3}} PORTAL_BASE_URL=$PORTAL_BASE_URL" >> {noted}
        # The server waits (10 s at most) for the worker, started beside it, to have noted its address: when the server
        # returns, the recipe stops the worker, which on a busy machine may not have run yet.
        if [ "$2" = runserver ]; then
          for _ in $(seq 100); do grep -q '^db_worker PORTAL' {noted} && break; sleep 0.1; done
        fi
        """)
    )
    python.chmod(0o755)
    env = {key: value for key, value in os.environ.items() if key not in ("PORTAL_BASE_URL", "MAKEFLAGS")}
    with (tmp_path / "make.out").open("w") as out:  # a file: the demo's once-a-minute loop may outlive make a moment
        ran = subprocess.run(
            ["make", "--no-print-directory", "-o", "install", "demo", f"BIN={bin_dir}", "PORT=8765"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=60,
        )
    printed = (tmp_path / "make.out").read_text()
    assert ran.returncode == 0, printed
    assert "on http://127.0.0.1:8765/" in printed
    lines = noted.read_text().splitlines()
    # migrate, load_demo, today's reminder run queued, the tasks loading and it queued (run quietly, so that the
    # sign-ins stay on the screen), then the worker and the server side by side (in either order)
    assert lines[:4] == [
        "migrate --noinput PORTAL_BASE_URL=http://127.0.0.1:8765",
        "load_demo PORTAL_BASE_URL=http://127.0.0.1:8765",
        "send_reminders PORTAL_BASE_URL=http://127.0.0.1:8765",
        "db_worker --batch PORTAL_BASE_URL=http://127.0.0.1:8765",
    ]
    assert sorted(lines[4:]) == [
        "db_worker PORTAL_BASE_URL=http://127.0.0.1:8765",
        "runserver --noreload PORTAL_BASE_URL=http://127.0.0.1:8765",
    ]
