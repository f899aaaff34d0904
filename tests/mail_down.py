"""An email backend for a mail server that cannot be reached: opening a connection raises, and so does every send
(which opens one), as Django's SMTP backend raises when the connection is refused. Set settings.EMAIL_BACKEND = DOWN.
A backend as Django's are (BaseEmailBackend), so that code holding a connection open over many emails (the daily
reminder run) meets the refusal where it would meet the real server's, not an AttributeError."""

from django.core.mail.backends.base import BaseEmailBackend

DOWN = "tests.mail_down.DownBackend"


class DownBackend(BaseEmailBackend):
    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, messages):
        self.open()
