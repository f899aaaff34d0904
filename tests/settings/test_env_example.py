""".env.example, loaded as README and docs/deploy.md say (`set -a; . file; set +a`, which reads it as systemd's
EnvironmentFile= does), is refused by production settings until its placeholders are filled in, and loads once they
are: every value in it can be read, and a value with spaces is quoted."""

import subprocess
import sys

from tests.settings.test_production import ROOT

FILLED_IN = {
    "SECRET_KEY": "test-only-not-a-real-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "PORTAL_RECEIPT_KEY": "test-only-not-a-real-receipt-key-0123456789abcdef",
    "PORTAL_ORGANISATION_NAME": "NHS Example Integrated Care Board",
    "DEFAULT_FROM_EMAIL": "training-portal@example-icb.nhs.uk",
}


def load_example(then: dict[str, str]) -> subprocess.CompletedProcess:
    exports = "".join(f"export {name}='{value}'; " for name, value in then.items())
    code = "import portal.settings.production as s; print(s.PORTAL_ORGANISATION_NAME)"
    script = f'set -a; . ./.env.example; set +a; {exports}exec "{sys.executable}" -c "{code}"'
    return subprocess.run(["sh", "-c", script], cwd=ROOT, env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True)


def test_the_example_as_shipped_is_refused():
    loaded = load_example(
        {"SECRET_KEY": FILLED_IN["SECRET_KEY"], "PORTAL_RECEIPT_KEY": FILLED_IN["PORTAL_RECEIPT_KEY"]}
    )
    assert loaded.returncode != 0
    assert "PORTAL_ORGANISATION_NAME still holds .env.example's placeholder" in loaded.stderr


def test_the_example_filled_in_loads():
    loaded = load_example(FILLED_IN)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "NHS Example Integrated Care Board"


def test_the_example_does_not_claim_a_dot_env_file_is_read():
    first_lines = (ROOT / ".env.example").read_text().splitlines()[:5]
    assert not any("Copy to .env" in line for line in first_lines)
    assert "EnvironmentFile=" in "\n".join(first_lines) and "set -a;" in "\n".join(first_lines)


def test_the_example_with_its_secret_key_left_empty_is_refused():
    """Everything filled in but SECRET_KEY, which .env.example leaves empty: refused at start-up, naming it."""
    loaded = load_example({name: value for name, value in FILLED_IN.items() if name != "SECRET_KEY"})
    assert loaded.returncode != 0
    assert "SECRET_KEY must be a long random string" in loaded.stderr
