"""A person renamed through the API's roster write is recorded as renamed (`people.IdentityChange`), as through a
roster file: an export or evidence pack about a moment before still names them as the portal knew them then."""

from django.utils import timezone

from portal.people.history import identities_before
from portal.people.models import IdentityChange

from .conftest import roster_row


def test_a_rename_through_the_api_keeps_who_they_were(api, org):
    sam = org["people"]["sam"]
    before = timezone.now()
    people = [roster_row(sam, last_name="Okafor")]
    answer = api("post", "/api/v1/roster", "roster", {"people": people}, key="rename")
    assert answer.status_code == 202, answer.content

    names = list(IdentityChange.objects.filter(staff=sam).values_list("first_name", "last_name"))
    assert names == [(sam.first_name, sam.last_name), (sam.first_name, "Okafor")]
    then = identities_before(before)[sam.pk]
    assert (then.full_name, then.staff.full_name) == (sam.full_name, f"{sam.first_name} Okafor")
