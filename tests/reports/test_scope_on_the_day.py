"""Who may see what in a report about a past day: a manager's teams today (their appointments in force today),
applied to the tree and the roster as they were on that day (docs/two-clocks.md, "Who may see a past day"). The team
page for the day and the person's page as at the day follow one rule: the link on the list opens, and a page for
someone not on the list does not."""

import datetime

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from portal.compliance import projection
from portal.people.history import staff_changes_record
from portal.people.models import StaffChange, TeamManager
from tests import factories
from tests.dbrole import as_owner
from tests.reports.conftest import client_for


def _before():
    return timezone.localdate() - datetime.timedelta(days=150)


def after():
    return timezone.localdate() - datetime.timedelta(days=30)


BASES = ["as_it_was", "as_recorded"]


def _moved(org):
    """Sam moves from Digital to Finance 100 days ago; the roster's rows from before recorded long before that."""
    projection.refresh()
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=500))
    sam = org["sam"]
    sam.team = org["finance"]
    sam.save()
    staff_changes_record([sam], effective=timezone.localdate() - datetime.timedelta(days=100))
    move = StaffChange.objects.filter(staff=sam).latest("recorded_at", "pk")
    with as_owner():  # recorded on the day of the move, so that "as recorded then" knows it from then
        StaffChange.objects.filter(pk=move.pk).update(recorded_at=F("recorded_at") - datetime.timedelta(days=100))
    projection.refresh(staff_ids=[sam.pk])
    return sam


def _listed(client, day, basis, **more):
    page = client.get(reverse("reports:team"), {"as_at": day.isoformat(), "basis": basis, **more})
    assert page.status_code == 200
    return {person.full_name: person for person, _ in page.context["matrix"].people}


def _person(client, sam, day, basis):
    url = reverse("reports:team_person", args=[sam.pk])
    return client.get(url, {"as_at": day.isoformat(), "basis": basis}).status_code


@pytest.mark.parametrize("basis", BASES)
def test_the_old_manager_lists_the_mover_on_a_day_they_managed_them_and_the_link_opens(org, basis):
    _moved(org)
    grace = client_for(org["manager"])
    people = _listed(grace, _before(), basis)
    assert "Sam Digital" in people
    assert grace.get(people["Sam Digital"].url).status_code == 200
    # After the move Sam is on neither Grace's list nor her person page for the day.
    assert "Sam Digital" not in _listed(grace, after(), basis)
    assert _person(grace, org["sam"], after(), basis) == 404


@pytest.mark.parametrize("basis", BASES)
def test_the_new_manager_cannot_open_the_movers_record_for_a_day_before_they_joined_her_team(org, basis):
    sam = _moved(org)
    felix = client_for(org["other"])
    assert "Sam Digital" not in _listed(felix, _before(), basis)
    assert _person(felix, sam, _before(), basis) == 404
    people = _listed(felix, after(), basis)
    assert "Sam Digital" in people
    assert felix.get(people["Sam Digital"].url).status_code == 200


def test_live_pages_still_read_today(org):
    sam = _moved(org)
    grace, felix = client_for(org["manager"]), client_for(org["other"])
    url = reverse("reports:team_person", args=[sam.pk])
    assert (grace.get(url).status_code, felix.get(url).status_code) == (404, 200)
    live = {person.full_name for person, _ in felix.get(reverse("reports:team")).context["matrix"].people}
    assert "Sam Digital" in live


def test_a_team_moved_today_takes_its_past_to_the_new_manager_and_away_from_the_old(org, hr):
    from portal.compliance.organisation import team_move

    projection.refresh()
    with as_owner():
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=500))
    team_move(team=org["digital"], parent=org["finance"], user=hr.user)
    params = {"as_at": _before().isoformat(), "basis": "as_it_was", "team": org["digital"].pk}
    felix = client_for(org["other"]).get(reverse("reports:team"), params)
    grace = client_for(org["manager"]).get(reverse("reports:team"), params)
    assert (felix.status_code, grace.status_code) == (404, 200)
    # Grace's choices for that day still hold Digital, Felix's do not; live, the other way round.
    assert f'value="{org["digital"].pk}"' in grace.content.decode()
    live = {"team": org["digital"].pk}
    assert client_for(org["other"]).get(reverse("reports:team"), live).status_code == 200
    assert client_for(org["manager"]).get(reverse("reports:team"), live).status_code == 404


def test_a_manager_appointed_today_sees_the_teams_past_and_one_who_left_the_post_does_not(org):
    sam = _moved(org)
    TeamManager.objects.filter(staff=org["manager"]).update(ended_on=timezone.localdate())
    newcomer = factories.make_staff(team=org["comms"], first_name="Nia", last_name="Newcomer")
    TeamManager.objects.create(staff=newcomer, team=org["comms"], started_on=timezone.localdate())
    grace, nia = client_for(org["manager"]), client_for(newcomer)
    people = _listed(nia, _before(), "as_it_was")
    assert "Sam Digital" in people
    assert nia.get(people["Sam Digital"].url).status_code == 200
    assert grace.get(reverse("reports:team"), {"as_at": _before().isoformat()}).status_code == 403
    assert _person(grace, sam, _before(), "as_it_was") == 404


def _team_moved_today(org, hr):
    """Digital leaves Communications (Grace's) for Finance (Felix's) today; everyone's roster recorded long ago."""
    from portal.compliance.organisation import team_move

    projection.refresh()
    with as_owner():
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=500))
    team_move(team=org["digital"], parent=org["finance"], user=hr.user)


@pytest.mark.parametrize("basis", BASES)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_export_about_a_day_before_a_team_moved_is_the_old_managers_not_the_new(org, hr, basis, kind):
    _team_moved_today(org, hr)
    params = {"as_at": _before().isoformat(), "basis": basis, "team": org["digital"].pk}
    grace = client_for(org["manager"]).get(reverse(f"exports:{kind}"), params)
    felix = client_for(org["other"]).get(reverse(f"exports:{kind}"), params)
    assert (grace.status_code, felix.status_code) == (200, 404)
    if kind == "csv":
        assert org["sam"].employee_number in b"".join(grace.streaming_content).decode()
    # Live, Digital is Felix's.
    live = {"team": org["digital"].pk}
    assert client_for(org["other"]).get(reverse(f"exports:{kind}"), live).status_code == 200
    assert client_for(org["manager"]).get(reverse(f"exports:{kind}"), live).status_code == 404


@pytest.mark.parametrize("basis", BASES)
def test_an_export_about_a_day_lists_the_mover_for_the_manager_of_then_only(org, basis):
    sam = _moved(org)

    def rows(staff, day):
        response = client_for(staff).get(reverse("exports:csv"), {"as_at": day.isoformat(), "basis": basis})
        assert response.status_code == 200
        return b"".join(response.streaming_content).decode()

    assert sam.employee_number in rows(org["manager"], _before())
    assert sam.employee_number not in rows(org["other"], _before())
    assert sam.employee_number in rows(org["other"], after())
    assert sam.employee_number not in rows(org["manager"], after())


@pytest.mark.parametrize("basis", BASES)
def test_a_pack_about_a_day_before_a_team_moved_is_the_old_managers_to_ask_for_and_download(
    org, hr, basis, private_media
):
    from portal.reports.models import EvidencePack

    _team_moved_today(org, hr)
    asked = {"team": org["digital"].pk, "as_at": _before().isoformat(), "basis": basis}
    felix = client_for(org["other"])
    assert felix.post(reverse("exports:pack_new"), asked).status_code == 404
    grace = client_for(org["manager"])
    assert grace.get(reverse("exports:pack_new"), asked).status_code == 200
    assert grace.post(reverse("exports:pack_new"), asked).status_code == 302
    pack = EvidencePack.objects.latest("pk")
    assert pack.status == EvidencePack.DONE, pack.error
    for name in ("exports:pack_detail", "exports:pack_pdf", "exports:pack_csv"):
        assert grace.get(reverse(name, args=[pack.pk])).status_code == 200
    rows = b"".join(grace.get(reverse("exports:pack_csv", args=[pack.pk])).streaming_content).decode()
    assert org["sam"].employee_number in rows
    # Once Grace no longer manages Communications, the pack is hers no more.
    TeamManager.objects.filter(staff=org["manager"]).update(ended_on=timezone.localdate())
    assert grace.get(reverse("exports:pack_pdf", args=[pack.pk])).status_code in (403, 404)
