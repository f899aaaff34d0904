"""Single sign-on matches a provider's address to the roster's letter by letter, capitals aside. PostgreSQL's lower()
folds the Kelvin sign (U+212A) to an ASCII k and a dotted capital I (U+0130) to an ASCII i, so a provider account at
\u212aate@... or \u0130an@... (another address: the provider holds them apart) was linked to, and signed in as, the
roster's kate@... or ian@... SQLite's lower() folds ASCII alone, so these failed on PostgreSQL only. An address in
other capitals, a non-ASCII domain's included, is still the roster person's."""

import pytest
from allauth.socialaccount.models import SocialAccount

from tests.accounts.test_sso import configure, idp, new_sub, roster_person, sign_in, signed_in_as  # noqa: F401


def signed_in_at_the_provider(client, configure, roster, provider):  # noqa: F811
    """The roster person at `roster` and a provider account at `provider`: (person, sub, the callback's response)."""
    sso = configure()
    person = roster_person(email=roster)
    sub = sso.add_account(new_sub(), email=provider, email_verified=True)
    response, _ = sign_in(client, sso, sub)
    return person, sub, response


@pytest.mark.parametrize(
    ("roster", "provider"),
    [
        ("kate@example.nhs.uk", "\u212aate@example.nhs.uk"),  # KELVIN SIGN
        ("ian@example.nhs.uk", "\u0130an@example.nhs.uk"),  # LATIN CAPITAL LETTER I WITH DOT ABOVE
        ("jo@work.example", "jo@wor\u212a.example"),
    ],
)
def test_a_provider_address_folding_to_ascii_is_not_the_roster_person(client, configure, roster, provider):  # noqa: F811
    person, _, response = signed_in_at_the_provider(client, configure, roster, provider)
    assert response.status_code == 403 and "We cannot find you on the staff list" in response.content.decode()
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.filter(user=person).exists()


@pytest.mark.parametrize(
    ("roster", "provider"),
    [
        ("emile@ex\u00e4mple.nhs.uk", "Emile@EX\u00c4MPLE.nhs.uk"),
        ("kate@example.nhs.uk", "KATE@Example.NHS.UK"),
    ],
)
def test_the_same_address_in_other_capitals_is_the_roster_person(client, configure, roster, provider):  # noqa: F811
    person, sub, response = signed_in_at_the_provider(client, configure, roster, provider)
    assert response.status_code == 302 and signed_in_as(client) == str(person.pk)
    assert SocialAccount.objects.get(user=person).uid == sub
