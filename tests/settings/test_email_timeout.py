"""An SMTP server that takes the connection and never answers cannot hold a request or the task worker: the portal
gives up after EMAIL_TIMEOUT seconds (10 unless set). Django's own default is to wait without limit."""

import smtplib
import socket
import time

import pytest
from django.core.mail import get_connection, send_mail

from tests.settings.test_production import load_production, load_settings


@pytest.mark.parametrize("module", ["portal.settings.dev", "portal.settings.production"])
def test_ten_seconds_unless_set(module):
    loaded = load_settings(module, "EMAIL_TIMEOUT", EMAIL_TIMEOUT=None)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "10"


def test_the_environment_can_set_it():
    loaded = load_settings("portal.settings.production", "EMAIL_TIMEOUT", EMAIL_TIMEOUT="30")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "30"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "EMAIL_TIMEOUT must be a whole number of seconds, at least 1, not 0."),
        ("-5", "EMAIL_TIMEOUT must be a whole number of seconds, at least 1, not -5."),
        ("ten", "EMAIL_TIMEOUT must be a whole number, not 'ten'."),
    ],
)
def test_a_timeout_that_would_not_work_is_refused_by_name(value, message):
    loaded = load_production(EMAIL_TIMEOUT=value)
    assert loaded.returncode != 0 and message in loaded.stderr


def test_a_silent_smtp_server_fails_the_send_instead_of_holding_it(settings):
    assert get_connection("django.core.mail.backends.smtp.EmailBackend").timeout == settings.EMAIL_TIMEOUT == 10
    settings.EMAIL_TIMEOUT = 1  # the same path, without the test waiting ten seconds
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # the kernel completes the connection; nobody ever sends the SMTP greeting
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = silent.getsockname()
        settings.EMAIL_USE_TLS = False
        started = time.monotonic()
        with pytest.raises(smtplib.SMTPServerDisconnected, match="timed out"):
            send_mail("Reminder", "Your training is due.", "portal@example.nhs.uk", ["someone@example.nhs.uk"])
    assert time.monotonic() - started < 5
