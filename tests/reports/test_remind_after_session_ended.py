"""A manager presses "Send Sam a reminder" after their session ended (the team page left open through a meeting): the
portal asks them to sign in, sends nothing as the ended session, and once they have signed in brings them back to the
page the form was on (portal.errors.LoginRequiredMiddleware). Before, signing in sent them on to the form's own
address, which answers only a sent form: an empty "405" page."""

from django.test import Client
from django.urls import reverse

from portal.compliance.models import ReminderLog
from tests.modules.test_session_timeout_mid_way import idle, sign_in_again, signed_in

URL = reverse("reports:team_remind")


def test_signing_in_again_returns_the_manager_to_the_page_the_form_was_on(org, mailoutbox):
    client = signed_in(org["manager"].user)
    person_page = reverse("reports:team_person", args=[org["sam"].pk])
    assert client.get(person_page).status_code == 200
    idle(client)

    response = client.post(URL, {"staff": org["sam"].pk}, HTTP_REFERER=f"http://testserver{person_page}")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={person_page}"
    assert mailoutbox == [] and not ReminderLog.objects.exists()
    back = sign_in_again(client, org["manager"].user, response["Location"])
    assert back == person_page
    assert "Send Sam a reminder" in client.get(back).content.decode()


def test_a_form_sent_from_another_site_or_without_a_referer_signs_in_to_its_own_address(org):
    for referer in ({}, {"HTTP_REFERER": "https://elsewhere.example.com/team/"}):
        response = Client().post(URL, {"staff": org["sam"].pk}, **referer)
        assert response["Location"] == "/accounts/login/?next=/team/remind/"
