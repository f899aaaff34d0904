"""Review of 9c06452 (the password reset's limits). The page refused by the limit on one client address (20 asks a
minute: a hospital's staff reach the portal through one address) tells the person "we have already sent it several
links in the last hour ... Use the newest one": untrue for an address nobody asked about before, whose holder then
looks for emails that were never sent. The page cannot tell which of the two limits refused it, so its words should
hold for both, as they now do: neither says links were sent, and both say what to do."""

from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from tests import factories

RESET = "/accounts/password/reset/"


def test_refused_for_the_client_address_it_does_not_say_links_were_sent_to_an_address_never_asked_about(
    production_rate_limits, db, mailoutbox
):
    ruth = factories.make_user(email="ruth.reed@example.nhs.uk")
    factories.make_staff(user=ruth)
    client = Client()  # one client address: a hospital's network, say
    assert client.get(RESET).status_code == 200  # the URLs loaded before the clock is frozen (see the reset tests)
    with freeze_time(timezone.now()):
        for n in range(20):  # twenty colleagues each asking once, within the minute
            assert client.post(RESET, {"email": f"colleague.{n}@example.nhs.uk"}).status_code == 302
        response = client.post(RESET, {"email": ruth.email})  # Ruth's first ask
    assert response.status_code == 429
    assert not [message for message in mailoutbox if message.to == [ruth.email]]  # nothing was ever sent to her
    assert "we have already sent it several links" not in response.content.decode()
    page = response.content.decode()
    assert "wait a minute and try again" in page and "use the newest link" in page
