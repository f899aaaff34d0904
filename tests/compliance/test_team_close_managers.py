"""Closing a team ends its managers' open assignments on the closing day, through `team_manager_end` (audited, with
the reason, as HR ending one by hand is): from that day they no longer see the team. The close-team page names them
before HR confirms."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance.organisation import team_close
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories


def _closed_on():
    return timezone.localdate() - datetime.timedelta(days=3)


@pytest.fixture
def org(db):
    organisation = factories.make_team("Organisation", kind="organisation")
    archive = factories.make_team("Archive", parent=organisation)
    finance = factories.make_team("Finance", parent=organisation)
    felix = factories.make_staff(team=finance, first_name="Felix", last_name="Finance")
    gita = factories.make_staff(team=finance, first_name="Gita", last_name="Green")
    started = datetime.date(2024, 4, 1)
    links = [
        TeamManager.objects.create(staff=felix, team=archive, started_on=started),
        TeamManager.objects.create(staff=felix, team=finance, started_on=started),
        TeamManager.objects.create(staff=gita, team=archive, started_on=started),
    ]
    TeamManager.objects.create(staff=gita, team=finance, started_on=started, ended_on=datetime.date(2025, 1, 1))
    hr = factories.make_staff(team=finance, first_name="Hana", last_name="HR")
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    return {"archive": archive, "finance": finance, "felix": felix, "gita": gita, "links": links, "hr": hr}


def client_for(staff) -> Client:
    return factories.sign_in(Client(), staff.user)


def test_closing_a_team_ends_its_managers_on_the_closing_day_and_audits_each(org):
    team_close(team=org["archive"], closed_on=_closed_on(), user=org["hr"].user)

    archive_felix, finance_felix, archive_gita = (TeamManager.objects.get(pk=link.pk) for link in org["links"])
    assert archive_felix.ended_on == _closed_on() and archive_gita.ended_on == _closed_on()
    assert finance_felix.ended_on is None  # another team's assignment is not touched
    ended = AuditEvent.objects.filter(action=AuditEvent.MANAGER_CHANGED, detail__change="ended")
    assert sorted(event.detail["staff_id"] for event in ended) == sorted([org["felix"].pk, org["gita"].pk])
    for event in ended:
        assert event.actor == org["hr"].user and event.detail["team_id"] == org["archive"].pk
        assert event.detail["ended_on"] == _closed_on().isoformat()
        assert event.detail["reason"] == f"Archive closed on {_closed_on().day} {_closed_on():%B} {_closed_on().year}"


def test_after_the_closing_day_the_manager_is_refused_the_closed_team(org):
    archive = reverse("reports:team") + f"?team={org['archive'].pk}"
    assert client_for(org["felix"]).get(archive).status_code == 200  # before: theirs to see

    team_close(team=org["archive"], closed_on=_closed_on(), user=org["hr"].user)

    felix, gita = client_for(org["felix"]), client_for(org["gita"])
    assert felix.get(archive).status_code == 404  # no longer among their teams
    assert felix.get(reverse("reports:team") + f"?team={org['finance'].pk}").status_code == 200
    assert gita.get(reverse("reports:team")).status_code == 403  # the closed team was all Gita managed


def test_the_close_page_names_the_managers_and_the_day_they_stop(org):
    client = client_for(org["hr"])
    page = client.get(reverse("organisation:team_close", args=[org["archive"].pk])).content.decode()
    today = timezone.localdate()
    assert (
        f"The managers of this team stop seeing it on {today.day} {today:%B} {today.year}: Felix Finance, Gita Green"
        in page
    )
    response = client.post(
        reverse("organisation:team_close", args=[org["archive"].pk]), factories.date_boxes("closed_on", _closed_on())
    )
    assert response.status_code == 302
    assert not TeamManager.objects.current().filter(team=org["archive"]).exists()
    assert not TeamManager.objects.filter(team=org["archive"], ended_on__isnull=True).exists()


def test_a_team_without_managers_says_nobody_stops_seeing_it(org):
    page = client_for(org["hr"]).get(reverse("organisation:team_close", args=[org["finance"].pk])).content.decode()
    assert "The managers of this team stop seeing it" in page  # Felix manages Finance
    empty = factories.make_team("Empty", parent=org["archive"])
    page = client_for(org["hr"]).get(reverse("organisation:team_close", args=[empty.pk])).content.decode()
    assert "The managers of this team" not in page and "Nobody manages this team" in page
