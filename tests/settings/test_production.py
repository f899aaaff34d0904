"""Production settings refuse to start without the portal's own address: every link in an email or on a certificate
is built from PORTAL_BASE_URL, and a wrong one would send staff to 127.0.0.1 or to another host."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "DATABASE_URL": "postgres://portal_app:not-a-real-password@db.internal:5432/portal",
    "ALLOWED_HOSTS": "training.example.nhs.uk",
    "PORTAL_BASE_URL": "https://training.example.nhs.uk",
    "SECRET_KEY": "test-only-not-a-real-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "PORTAL_RECEIPT_KEY": "test-only-not-a-real-receipt-key-0123456789abcdef",
    "PORTAL_RECEIPT_DIR": "/nonexistent/receipts",
    "PORTAL_RECEIPT_EMAIL": "receipts@example.nhs.uk",
    "PORTAL_ORGANISATION_NAME": "NHS Example Integrated Care Board",
    "DEFAULT_FROM_EMAIL": "Training portal <training-portal@example-icb.nhs.uk>",
}


def load_settings(module: str, show: str, **changes) -> subprocess.CompletedProcess:
    """Import the settings `module` in a new interpreter, with GOOD's environment altered by `changes` (None leaves a
    variable unset), and print the setting `show`."""
    env = {key: value for key, value in os.environ.items() if key not in GOOD and key not in changes}
    env.update({key: value for key, value in {**GOOD, **changes}.items() if value is not None})
    code = f"import {module} as s; print(s.{show})"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)


def load_production(**changes) -> subprocess.CompletedProcess:
    return load_settings("portal.settings.production", "WAGTAILADMIN_BASE_URL", **changes)


def test_the_address_staff_reach_is_what_links_are_built_from():
    loaded = load_production(PORTAL_BASE_URL="https://training.example.nhs.uk/")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "https://training.example.nhs.uk"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "Set the PORTAL_BASE_URL environment variable to the portal's https address as staff reach it"),
        ("", "Set the PORTAL_BASE_URL environment variable to the portal's https address as staff reach it"),
        ("http://training.example.nhs.uk", "PORTAL_BASE_URL must be the portal's https address"),
        ("https://training.example.nhs.uk/portal", "PORTAL_BASE_URL must be the portal's https address"),
        ("https://127.0.0.1:8000", "PORTAL_BASE_URL's host 127.0.0.1 is not in ALLOWED_HOSTS"),
    ],
)
def test_a_missing_or_wrong_address_stops_the_start(value, message):
    loaded = load_production(PORTAL_BASE_URL=value)
    assert loaded.returncode != 0 and message in loaded.stderr


def test_development_links_are_built_without_a_doubled_slash():
    """Every email's link is the address followed by a path that starts with "/", in development as in production."""
    loaded = load_settings("portal.settings.dev", "WAGTAILADMIN_BASE_URL", PORTAL_BASE_URL=" http://127.0.0.1:8000/ ")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "http://127.0.0.1:8000"


@pytest.mark.parametrize("value", ["", "  ", "receipts", "var/receipts"])
def test_a_blank_or_relative_receipt_store_stops_the_start(value):
    """Receipts would otherwise be written wherever a command started, the code's own folder among them."""
    loaded = load_production(PORTAL_RECEIPT_DIR=value)
    assert loaded.returncode != 0
    assert "PORTAL_RECEIPT_DIR must be the absolute path of the receipt store" in loaded.stderr


def test_the_receipt_store_is_the_absolute_path_given():
    loaded = load_settings("portal.settings.production", "PORTAL_RECEIPT_DIR", PORTAL_RECEIPT_DIR=" /mnt/receipts ")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "/mnt/receipts"


def test_retired_receipt_keys_are_read_and_the_key_in_use_is_not_among_them():
    old = "an-old-receipt-key-0123456789abcdefghijklmnop"
    loaded = load_settings(
        "portal.settings.production", "PORTAL_RECEIPT_RETIRED_KEYS", PORTAL_RECEIPT_RETIRED_KEYS=f" {old} ,"
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == str([old])
    refused = load_production(PORTAL_RECEIPT_RETIRED_KEYS=f"{old},{GOOD['PORTAL_RECEIPT_KEY']}")
    assert refused.returncode != 0 and "PORTAL_RECEIPT_RETIRED_KEYS lists PORTAL_RECEIPT_KEY" in refused.stderr


@pytest.mark.parametrize("value", ["", "   ", "too-short-a-key", "x" * 60, "django-insecure-" + "0123456789abcdef" * 3])
def test_a_blank_or_weak_secret_key_stops_the_start(value):
    """.env.example ships SECRET_KEY empty: Django refuses an empty key only when a page first signs something, after
    the database had been migrated and filled. Production names the variable, and how to make one, at start-up."""
    loaded = load_production(SECRET_KEY=value)
    assert loaded.returncode != 0
    assert "SECRET_KEY must be a long random string, at least 50 characters" in loaded.stderr
    assert "secrets.token_urlsafe(50)" in loaded.stderr
