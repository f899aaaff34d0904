"""Django's own SMTP backend talking to a mail server in memory, for tests that need what the real backend does before
anything reaches the server: it parses each address (`sanitize_address`) and raises ValueError for one it cannot read,
which the locmem backend never does. Use the `smtp_server` fixture: settings.EMAIL_BACKEND is the SMTP backend, and
the fixture's list collects (recipients, message) of each email the server took."""

import email
import smtplib

import pytest

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class InMemorySMTP:
    """As much of smtplib.SMTP as Django's backend calls, with no network."""

    taken: list = []

    def __init__(self, host="", port=0, **kwargs):
        pass

    def sendmail(self, from_addr, to_addrs, msg):
        InMemorySMTP.taken.append((list(to_addrs), msg))
        return {}

    def quit(self):
        pass

    def close(self):
        pass


@pytest.fixture
def smtp_server(settings, monkeypatch):
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    monkeypatch.setattr(smtplib, "SMTP", InMemorySMTP)
    monkeypatch.setattr(InMemorySMTP, "taken", [])
    return InMemorySMTP.taken


def bodies(taken: list) -> list[tuple[list[str], str]]:
    """(recipients, plain-text body) of each email the server took, decoded."""
    return [
        (recipients, email.message_from_bytes(message).get_payload(decode=True).decode())
        for recipients, message in taken
    ]
