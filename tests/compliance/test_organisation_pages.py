"""HR's organisation pages (/hr/organisation/): the team tree, a team, and the forms to add, rename, move and close a
team and to add and end its managers. HR with a second factor only: HR with a password only is sent for the code, a
manager and staff are refused, anonymous visitors are sent to sign in. Each form says what is wrong, at the field."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance.projection import refresh
from portal.people.models import Team, TeamManager
from portal.people.roles import hr_group
from tests import factories


@pytest.fixture
def org(db):
    organisation = factories.make_team("Organisation", kind="organisation")
    comms = factories.make_team("Communications", parent=organisation)
    finance = factories.make_team("Finance", parent=organisation)
    sam = factories.make_staff(team=comms, first_name="Sam", last_name="Person")
    manager = factories.make_staff(team=finance, first_name="Felix", last_name="Finance")
    link = TeamManager.objects.create(staff=manager, team=finance)
    hr = factories.make_staff(team=finance, first_name="Hana", last_name="HR")
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    factories.make_requirement(name="Fire safety")
    refresh()
    return {
        "organisation": organisation,
        "comms": comms,
        "finance": finance,
        "sam": sam,
        "manager": manager,
        "link": link,
        "hr": hr,
    }


def client_for(staff, second_factor=True) -> Client:
    return factories.sign_in(Client(), staff.user, second_factor=second_factor)


def _urls(org) -> list[str]:
    team = org["comms"].pk
    return [
        reverse("organisation:teams"),
        reverse("organisation:team", args=[team]),
        reverse("organisation:team_add"),
        reverse("organisation:team_rename", args=[team]),
        reverse("organisation:team_move", args=[team]),
        reverse("organisation:team_close", args=[team]),
        reverse("organisation:manager_add", args=[team]),
        reverse("organisation:manager_end", args=[org["link"].pk]),
    ]


def test_hr_with_a_second_factor_sees_every_page(org):
    client = client_for(org["hr"])
    for url in _urls(org):
        assert client.get(url).status_code == 200, url


def test_hr_with_a_password_only_is_asked_for_the_code(org):
    client = client_for(org["hr"], second_factor=False)
    for url in _urls(org):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/reauthenticate/"), url
        response = client.post(url, {"name": "X", "code": "X", "kind": "team"})
        assert response.status_code == 302 and "reauthenticate" in response["Location"], url
    assert not AuditEvent.objects.filter(action__in=[AuditEvent.TEAM_CHANGED, AuditEvent.MANAGER_CHANGED]).exists()


@pytest.mark.parametrize("who", ["manager", "sam"])
def test_managers_and_staff_are_refused(org, who):
    client = client_for(org[who])
    for url in _urls(org):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "X", "code": "X", "kind": "team"}).status_code == 403, url
    assert Team.objects.count() == 3


def test_anonymous_visitors_are_sent_to_sign_in(org):
    for url in _urls(org):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


def test_the_tree_shows_each_team_its_code_people_and_managers(org):
    page = client_for(org["hr"]).get(reverse("organisation:teams")).content.decode()
    assert "Communications</a> (T" in page and "1 person in post" in page
    assert "managed by Felix Finance" in page
    assert page.index("Organisation</a>") < page.index("Communications</a>") < page.index("Finance</a>")


def test_hr_adds_a_team_under_a_parent(org):
    client = client_for(org["hr"])
    form = client.get(reverse("organisation:team_add"), {"parent": org["finance"].pk}).content.decode()
    assert f'<option value="{org["finance"].pk}" selected>' in form

    response = client.post(
        reverse("organisation:team_add"),
        {"name": "Payroll", "code": "PAY", "kind": "team", "parent": org["finance"].pk},
    )

    payroll = Team.objects.get(code="PAY")
    assert response.status_code == 302 and response["Location"] == reverse("organisation:team", args=[payroll.pk])
    assert payroll.get_parent() == org["finance"]
    assert AuditEvent.objects.get(action=AuditEvent.TEAM_CHANGED).actor == org["hr"].user


def test_a_code_in_use_is_named_at_the_field(org):
    response = client_for(org["hr"]).post(
        reverse("organisation:team_add"),
        {"name": "Payroll", "code": org["comms"].code, "kind": "team", "parent": org["finance"].pk},
    )
    page = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in page
    assert f"Code &#x27;{org['comms'].code}&#x27; is already used by Communications" in page
    assert 'id="id_code-error"' in page and Team.objects.count() == 3


def test_hr_renames_and_moves_a_team(org):
    client = client_for(org["hr"])
    client.post(reverse("organisation:team_rename", args=[org["comms"].pk]), {"name": "Comms", "code": "COM"})
    response = client.post(reverse("organisation:team_move", args=[org["comms"].pk]), {"parent": org["finance"].pk})

    comms = Team.objects.get(pk=org["comms"].pk)
    assert (comms.name, comms.code, comms.get_parent()) == ("Comms", "COM", org["finance"])
    assert response.status_code == 302
    changes = AuditEvent.objects.filter(action=AuditEvent.TEAM_CHANGED).values_list("detail__change", flat=True)
    assert sorted(changes) == ["moved", "renamed"]


def test_the_move_form_offers_no_team_below_the_one_moving(org):
    page = client_for(org["hr"]).get(reverse("organisation:team_move", args=[org["organisation"].pk])).content
    assert b"Communications (" not in page  # everything is below the organisation


def test_closing_a_team_with_people_says_how_many_and_changes_nothing(org):
    response = client_for(org["hr"]).post(
        reverse("organisation:team_close", args=[org["comms"].pk]),
        factories.date_boxes("closed_on", timezone.localdate()),
    )
    assert response.status_code == 400
    assert "Communications still has 1 person in post" in response.content.decode()
    assert Team.objects.get(pk=org["comms"].pk).closed_on is None


def test_hr_adds_a_manager_by_employee_number_with_a_reason(org):
    client = client_for(org["hr"])
    response = client.post(
        reverse("organisation:manager_add", args=[org["comms"].pk]),
        {
            "employee_number": org["sam"].employee_number,
            **factories.date_boxes("started_on", timezone.localdate()),
            "reason": "New lead",
        },
    )
    assert response.status_code == 302
    assert TeamManager.objects.current().filter(staff=org["sam"], team=org["comms"]).exists()
    event = AuditEvent.objects.get(action=AuditEvent.MANAGER_CHANGED)
    assert event.detail["reason"] == "New lead" and event.actor == org["hr"].user
    # The receiver that ends the new manager's sessions wrote no second, reasonless line.
    assert not AuditEvent.objects.filter(action=AuditEvent.ROLE_CHANGED, scope__contains="Sam").exists()


def test_an_unknown_employee_number_is_named(org):
    response = client_for(org["hr"]).post(
        reverse("organisation:manager_add", args=[org["comms"].pk]),
        {"employee_number": "E404", **factories.date_boxes("started_on", timezone.localdate()), "reason": "New lead"},
    )
    assert (
        response.status_code == 400 and "Nobody has the employee number &#x27;E404&#x27;" in response.content.decode()
    )
    assert not TeamManager.objects.filter(team=org["comms"]).exists()


def test_hr_ends_a_manager_and_their_view_of_the_team_ends(org):
    manager_client = client_for(org["manager"])
    assert manager_client.get(reverse("reports:team")).status_code == 200
    response = client_for(org["hr"]).post(
        reverse("organisation:manager_end", args=[org["link"].pk]),
        {**factories.date_boxes("ended_on", timezone.localdate()), "reason": "Moved to another trust"},
    )
    assert response.status_code == 302
    assert TeamManager.objects.get(pk=org["link"].pk).ended_on == timezone.localdate()
    assert client_for(org["manager"]).get(reverse("reports:team")).status_code == 403
    page = client_for(org["hr"]).get(reverse("organisation:team", args=[org["finance"].pk])).content.decode()
    assert "(stopped)" in page and "Finance has no managers" not in page


def test_a_missing_reason_is_asked_for(org):
    response = client_for(org["hr"]).post(
        reverse("organisation:manager_end", args=[org["link"].pk]),
        {**factories.date_boxes("ended_on", timezone.localdate()), "reason": ""},
    )
    assert response.status_code == 400 and "Give the reason for the change" in response.content.decode()
    assert TeamManager.objects.get(pk=org["link"].pk).ended_on is None


DATE_FORMS = [
    ("organisation:team_close", "comms", "closed_on", {}, "the date the team closed"),
    (
        "organisation:manager_add",
        "comms",
        "started_on",
        {"employee_number": "E404", "reason": "New lead"},
        "the date they start managing the team",
    ),
    ("organisation:manager_end", "link", "ended_on", {"reason": "Moved"}, "the date they stop managing the team"),
]


@pytest.mark.parametrize(("name", "target", "field", "rest", "what"), DATE_FORMS)
def test_each_date_is_asked_for_in_day_month_and_year_boxes_filled_with_today(org, name, target, field, rest, what):
    html = client_for(org["hr"]).get(reverse(name, args=[org[target].pk])).content.decode()
    for part, value in (
        ("day", timezone.localdate().day),
        ("month", timezone.localdate().month),
        ("year", timezone.localdate().year),
    ):
        assert f'id="id_{field}_{part}" name="{field}_{part}" type="text" inputmode="numeric" value="{value}"' in html
    assert 'type="date"' not in html and "typed as" not in html


@pytest.mark.parametrize(("name", "target", "field", "rest", "what"), DATE_FORMS)
@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter {what}"),
        ("15", "", "2026", "{What} must include a month"),
        ("31", "2", "2026", "{What} must be a real date"),
        ("1", "3", "26", "{What} must have a year with 4 numbers, for example 2026"),
    ],
)
def test_a_wrong_date_is_named_and_changes_nothing(org, name, target, field, rest, what, day, month, year, message):
    boxes = {f"{field}_day": day, f"{field}_month": month, f"{field}_year": year}
    response = client_for(org["hr"]).post(reverse(name, args=[org[target].pk]), {**boxes, **rest})
    html = response.content.decode()
    assert response.status_code == 400
    assert message.format(what=what, What=what[:1].upper() + what[1:]) in html
    assert f'<a href="#id_{field}_day">' in html  # the error summary links to the day box
    assert Team.objects.get(pk=org["comms"].pk).closed_on is None
    assert TeamManager.objects.get(pk=org["link"].pk).ended_on is None
    assert not TeamManager.objects.filter(team=org["comms"]).exists()


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _grow(org, teams: int):
    for n in range(teams):
        team = factories.make_team(f"Ward {n}", parent=org["comms"] if n % 2 else org["finance"])
        person = factories.make_staff(team=team)
        TeamManager.objects.create(
            staff=person, team=team, started_on=timezone.localdate() - datetime.timedelta(days=n)
        )


@pytest.mark.parametrize("name", ["organisation:teams", "organisation:team"])
def test_the_list_pages_run_the_same_queries_however_big_the_organisation(org, name):
    client = client_for(org["hr"])
    url = reverse(name, args=[org["comms"].pk] if name == "organisation:team" else [])
    small = _count(client, url)
    _grow(org, 10)
    assert _count(client, url) == small


def test_the_tree_runs_these_queries(org):
    # session, user, HR group (is_hr), the teams with their people counted, the current managers with their people
    # (the second factor is kept in the session)
    client = client_for(org["hr"])
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("organisation:teams"))
    assert len(captured.captured_queries) == 5, [q["sql"][:90] for q in captured.captured_queries]
