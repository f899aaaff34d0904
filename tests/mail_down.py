"""An email backend for a mail server that cannot be reached: every send raises, as Django's SMTP backend raises when
the connection is refused. Set settings.EMAIL_BACKEND = DOWN."""

DOWN = "tests.mail_down.DownBackend"


class DownBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")
