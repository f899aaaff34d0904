"""`manage.py sso_unlink EMAIL` finds the account EMAIL signs in to, matched as sign-in matches it (the lower case of
the address, which the database's one-account-per-address index is on), not by another rule. It matched with
Django's `iexact`, the upper case on PostgreSQL, under which two accounts the index holds apart can both match: asked
for a@ıx.example (a dotless i, an address in an international domain), it chose a@ix.example, whose upper case is
the same, and would have removed that other person's link and ended their sessions. SQLite's case rule is ASCII's,
under which the two never matched, so the test failed before on PostgreSQL only."""

import io

from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests import factories

DOTLESS = "a@\u0131x.example"


def test_the_account_unlinked_is_the_one_the_address_signs_in_to(db):
    other = factories.make_user(email="a@ix.example", first_name="Alex", last_name="Able")
    meant = factories.make_user(email=DOTLESS, first_name="Dana", last_name="Dotless")
    SocialAccount.objects.create(user=other, provider="nhsmail", uid="sub-other")
    SocialAccount.objects.create(user=meant, provider="nhsmail", uid="sub-meant")
    assert get_user_model().objects.get_by_natural_key(DOTLESS) == meant  # as sign-in finds the account
    out = io.StringIO()
    call_command("sso_unlink", DOTLESS, "--apply", "--reason", "Directory account re-created", stdout=out)
    assert f"Removed the single sign-on link of Dana Dotless ({DOTLESS})" in out.getvalue()
    assert list(SocialAccount.objects.values_list("uid", flat=True)) == ["sub-other"]
