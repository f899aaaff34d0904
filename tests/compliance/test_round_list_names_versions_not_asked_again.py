"""HR's list of rounds names, under a round's version, the earlier versions whose attesters it does not ask again (a
version bringing back the text they attested: `ReattestationRound.not_asked_again`, bef8da2). Before, the page said
of every round that everyone who had attested before must do it again by its date, while the 1.0 attesters stayed
Compliant with 3.0's round open, and nothing on it said why. One query more when any round keeps such versions,
however many rounds and versions."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from modules.models import PolicyPage
from portal.people.roles import hr_group
from tests import factories
from tests.compliance.test_attestation import attestation, publish_new_version  # noqa: F401 - fixtures


def _deadline():
    return timezone.localdate() + datetime.timedelta(days=30)


NOT_ASKED = "Not asked again: who attested version"


def _hr(client):
    user = factories.make_user(first_name="Hana", last_name="Officer")
    user.groups.add(hr_group())
    factories.sign_in(client, factories.with_mfa(user))
    url = reverse("requirements:rounds")
    client.get(url)  # the session's once-a-minute check, out of the way
    return url


def _page(client, url) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split()), len(queries.captured_queries)  # the words


def test_a_round_bringing_back_attested_text_names_who_it_does_not_ask_again(client, policy, attestation):  # noqa: F811
    url = _hr(client)
    publish_new_version(policy, "2.0", PolicyPage.MATERIAL, reason="New rule", deadline=_deadline(), section_text="A.")
    html, without = _page(client, url)
    assert NOT_ASKED not in html

    publish_new_version(policy, "3.0", PolicyPage.MATERIAL, reason="Undone", deadline=_deadline())  # 1.0's text
    html, one = _page(client, url)
    assert f"version 3.0 {NOT_ASKED} 1.0 (nothing changed materially since)" in html
    assert html.count(NOT_ASKED) == 1  # 2.0's round asks everyone who attested before
    assert "except those who attested an earlier version whose text the round's version brings back" in html

    publish_new_version(policy, "4.0", PolicyPage.MATERIAL, reason="Again", deadline=_deadline(), section_text="A.")
    publish_new_version(policy, "5.0", PolicyPage.MATERIAL, reason="Undone again", deadline=_deadline())
    html, more = _page(client, url)
    assert f"version 4.0 {NOT_ASKED} 2.0 (nothing changed materially since)" in html
    assert f"version 5.0 {NOT_ASKED} 1.0 or 3.0 (nothing changed materially since)" in html
    assert one == more == without + 1
