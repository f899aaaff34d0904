"""A requirement changed by someone it asks (HR on the requirements pages, an editor in the CMS), or a re-attestation
round on it withdrawn by them, is allowed, as a requirement asks many people and changing its terms for all of them
is their job, but its audit line says so, in the words the audit log page shows: "changed by someone it asks", or,
when the change takes them out of it (a narrower audience, retiring it), "changed by someone it asked, and it no
longer asks them", with `asked_the_actor` [before, after] to search by. A change by someone it does not ask, or to a
term no one's standing reads (its name), says nothing of the kind."""

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance.models import Requirement
from portal.compliance.services import reattestation_round_withdraw
from tests import factories
from tests.compliance import test_requirement_admin as admin
from tests.compliance import test_requirement_pages as pages
from tests.compliance import test_round_withdraw as rounds

trust, editor, editor_client, world = pages.trust, admin.editor, admin.editor_client, rounds.world
ASKS = "Fire safety: changed by someone it asks"
NO_LONGER = "Fire safety: changed by someone it asked, and it no longer asks them"


def _last_change() -> AuditEvent:
    return AuditEvent.objects.filter(action=AuditEvent.REQUIREMENT_CHANGED).latest("pk")


@pytest.fixture
def fire(trust):
    return factories.make_requirement(name="Fire safety", renewal_months=12, introduced_on=timezone.localdate())


def test_hr_taking_themselves_out_of_its_audience_is_recorded_and_saved(trust, fire):
    response = pages._client(trust["hr"]).post(
        reverse("requirements:edit", args=[fire.pk]),
        pages._form(audience="chosen", teams=[str(trust["wards"].pk)]),
    )
    assert response.status_code == 302
    fire.refresh_from_db()
    assert not fire.applies_to_everyone
    event = _last_change()
    assert (event.actor, event.scope, event.detail["asked_the_actor"]) == (trust["hr"].user, NO_LONGER, [True, False])


def test_hr_changing_the_renewal_of_one_that_still_asks_them_is_recorded(trust, fire):
    response = pages._client(trust["hr"]).post(
        reverse("requirements:edit", args=[fire.pk]), pages._form(renewal_months="36")
    )
    assert response.status_code == 302
    event = _last_change()
    assert (event.scope, event.detail["asked_the_actor"]) == (ASKS, [True, True])


def test_hr_retiring_one_that_asks_them_is_recorded(trust, fire):
    client = pages._client(trust["hr"])
    assert client.post(reverse("requirements:retire", args=[fire.pk]), {"reason": "Replaced"}).status_code == 302
    assert _last_change().scope == NO_LONGER


def test_a_change_by_someone_it_does_not_ask_says_nothing_of_it(trust):
    nurses = factories.make_requirement(
        name="Fire safety", applies_to_everyone=False, staff_groups=["Nursing"], introduced_on=timezone.localdate()
    )
    response = pages._client(trust["hr"]).post(
        reverse("requirements:edit", args=[nurses.pk]),
        pages._form(audience="chosen", staff_groups="Nursing", renewal_months="24"),
    )
    assert response.status_code == 302
    event = _last_change()
    assert event.scope == "Fire safety" and "asked_the_actor" not in event.detail


def test_renaming_one_that_asks_them_changes_no_standing_and_says_nothing_of_it(trust, fire):
    response = pages._client(trust["hr"]).post(
        reverse("requirements:edit", args=[fire.pk]), pages._form(name="Fire safety awareness")
    )
    assert response.status_code == 302
    event = _last_change()
    assert event.scope == "Fire safety awareness" and "asked_the_actor" not in event.detail


def test_an_editor_it_asks_narrowing_it_in_the_cms_is_recorded(trust, fire, editor, editor_client):
    factories.make_staff(user=editor, team=trust["finance"])
    response = editor_client.post(
        admin._url("edit", fire.pk), admin._form(applies_to_everyone=None, teams=[str(trust["wards"].pk)])
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Requirement.objects.get(pk=fire.pk).applies_to_everyone
    event = _last_change()
    assert (event.actor, event.scope, event.detail["asked_the_actor"]) == (editor, NO_LONGER, [True, False])


def test_withdrawing_a_round_that_asks_you_is_recorded_and_one_that_does_not_is_not(world):
    """A re-attestation round withdrawn by someone it asks to attest again (allowed: it asks everyone the requirement
    does) says so on its audit line; withdrawn by someone outside it, the line is as before."""
    title = f"re-attest to {world['second'].title} version 2"
    outsider = factories.make_user(first_name="Hana", last_name="Officer")
    for who, said in [(outsider, ""), (world["ben"].user, ": withdrawn by someone it asks")]:
        round_ = rounds._open(world, opened_days_ago=10, deadline=timezone.localdate() + rounds._days(20))
        reattestation_round_withdraw(round_=round_, reason="Opened in error", user=who)
        event = AuditEvent.objects.filter(action=AuditEvent.ROUND_WITHDRAWN).latest("pk")
        assert (event.actor, event.scope) == (who, f"{world['requirement'].name}: {title}{said}")
