"""Every link in the reminders, the escalations and the weekly list opens, followed by the person it was sent to at
the portal's address: the person's My training, their line manager's team page and the person's record there, and
HR's record of them (HR signed in with their second factor)."""

from urllib.parse import urlsplit

from django.test import Client

from tests import factories
from tests.compliance.test_reminders import GRACE, HR, SAM, day, org, run  # noqa: F401 - fixtures and names


def test_each_link_opens_for_whoever_it_was_sent_to(org, run, mailoutbox, settings, django_user_model):  # noqa: F811
    settings.WAGTAILADMIN_BASE_URL = "https://training.example.nhs.uk"
    recipients = {
        SAM: org["sam"].user,
        GRACE: org["grace"].user,
        HR: factories.with_mfa(django_user_model.objects.get(email=HR)),
    }
    for offset in (-14, 0, 7, 14, 28):  # before, on the day, overdue, the line manager, HR; two Mondays' lists
        run(day(offset))
    followed = set()
    for message in mailoutbox:
        (to,) = message.to
        client = Client()
        factories.sign_in(client, recipients[to])
        for link in (word for word in message.body.split() if "://" in word):
            path = urlsplit(link).path
            response = client.get(path, HTTP_HOST="training.example.nhs.uk", secure=True)
            assert response.status_code == 200, (to, path, response.status_code)
            followed.add((to, path))
    assert {to for to, _ in followed} == {SAM, GRACE, HR}
    assert {path.split("/")[1] for to, path in followed if to == GRACE} == {"training", "team"}
