"""The account of an HR officer an API client names (its maker, who holds its token, who revoked it) cannot be
deleted, by the CMS's doors or in code: deleting the holder's account emptied `token_shown_to`, and a client holding
no one's token is one made by a command, so it kept answering where closing the same account stops it. The CMS says
to close the account instead (tests/accounts/test_account_deletion_refused.py holds the doors to that)."""

from html import unescape

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from portal.api.clients import api_client_revoke


def _deleted_in_the_cms(cms, user) -> str:
    url = reverse("wagtailusers_users:delete", args=[user.pk])
    return unescape(cms.post(url, follow=True).content.decode())


def test_the_token_holders_account_is_not_deleted_and_closing_it_stops_the_token(api, org, cms, ola):
    hana = org["people"]["hr"].user
    shown = _deleted_in_the_cms(cms, hana)
    assert (
        "cannot be deleted: training records name the account (API clients it made, API client tokens it was shown)"
        in shown
    )
    assert "Close the account instead" in shown
    hana.refresh_from_db()  # still there
    with pytest.raises(ProtectedError):
        hana.delete()

    path = f"/api/v1/people/{org['people']['sam'].employee_number}/standing"
    hana.is_active = False
    hana.save(update_fields=["is_active"])
    assert api("get", path, "standing").json()["code"] == "token_holder_not_hr"


def test_who_revoked_a_client_is_kept_too(org, cms, ola):
    api_client_revoke(client=org["clients"]["ledger"], reason="Archive moved", user=ola.user)
    assert "(API clients it revoked)" in _deleted_in_the_cms(cms, ola.user)
    with pytest.raises(ProtectedError):
        ola.user.delete()
