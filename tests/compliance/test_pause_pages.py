"""The pause pages: only HR with a second factor; adding, changing and withdrawing through them."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance import pauses, projection, status
from portal.compliance.models import EvidenceEntry, RequirementStatus
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories


@pytest.fixture
def world(db):
    wards = factories.make_team("Wards")
    theatres = factories.make_team("Theatres")
    nia = factories.make_staff(team=wards, first_name="Nia", last_name="Jones")
    manager = factories.make_staff(team=wards, first_name="Mo", last_name="Manager")
    TeamManager.objects.create(staff=manager, team=wards)
    outsider = factories.make_staff(team=theatres, first_name="Olu", last_name="Outsider")
    hr = factories.make_staff(team=theatres, first_name="Hana", last_name="HR")
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    course = factories.make_requirement(name="Fire safety")
    projection.refresh()
    pause = pauses.pause_add(
        staff=nia,
        requirements=None,
        reason_code=pauses.SICKNESS,
        first_day=timezone.localdate(),
        last_day=None,
        user=hr.user,
    )
    return {"nia": nia, "manager": manager, "outsider": outsider, "hr": hr, "course": course, "pause": pause}


def boxes(name: str, day: datetime.date) -> dict:
    """A date as the NHS.UK date input's boxes send it."""
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def client_for(staff, second_factor=True):
    client = Client()
    if staff is not None:
        factories.sign_in(client, staff.user, second_factor=second_factor)
    return client


def urls(world):
    nia, ref = world["nia"].pk, world["pause"].ref
    return [
        reverse("pauses:list", args=[nia]),
        reverse("pauses:add", args=[nia]),
        reverse("pauses:change", args=[nia, ref]),
        reverse("pauses:withdraw", args=[nia, ref]),
    ]


@pytest.mark.parametrize(
    ("who", "second_factor", "expected"),
    [
        ("hr", True, 200),
        ("hr", False, "code"),
        ("manager", True, 403),
        ("nia", True, 403),
        ("outsider", True, 403),
        (None, True, "login"),
    ],
)
def test_who_may_open_the_pause_pages(world, who, second_factor, expected):
    client = client_for(world[who] if who else None, second_factor)
    for url in urls(world):
        for response in (client.get(url), client.post(url, {"reason": "other", "other": "x", "why": "x"})):
            if expected == "login":
                assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
            elif expected == "code":
                assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]
            elif response.request["REQUEST_METHOD"] == "GET" or expected != 200:
                assert response.status_code == expected, url
    if expected != 200:  # nothing changed: the one pause and its one audit entry, from the fixture
        assert AuditEvent.objects.filter(action=AuditEvent.PAUSE_CHANGED).count() == 1
        assert [p.ref for p in pauses.pauses_for_staff(world["nia"])] == [world["pause"].ref]


def test_hr_changes_withdraws_and_adds_a_pause_through_the_pages(world):
    client = client_for(world["hr"])
    nia, ref = world["nia"], world["pause"].ref
    page = client.get(reverse("pauses:list", args=[nia.pk])).content.decode()
    assert "Long-term sickness" in page and "no return date yet" in page
    last = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        reverse("pauses:change", args=[nia.pk, ref]),
        {"reason": pauses.SICKNESS, "other": "", **boxes("first_day", timezone.localdate()), **boxes("last_day", last)},
    )
    assert response.status_code == 302
    [changed] = pauses.pauses_for_staff(nia)
    assert changed.last_day == last
    row = RequirementStatus.objects.get(staff=nia)
    assert row.state(timezone.localdate()) == status.PAUSED and row.paused_until == last
    response = client.post(reverse("pauses:withdraw", args=[nia.pk, changed.ref]), {"why": "Wrong person"})
    assert response.status_code == 302 and pauses.pauses_for_staff(nia) == []
    assert RequirementStatus.objects.get(staff=nia).state(timezone.localdate()) != status.PAUSED
    response = client.post(
        reverse("pauses:add", args=[nia.pk]),
        {
            "requirement": str(world["course"].pk),
            "reason": pauses.OTHER,
            "other": "",
            **boxes("first_day", timezone.localdate()),
        },
    )
    assert response.status_code == 400 and "Say what the other reason is" in response.content.decode()
    response = client.post(
        reverse("pauses:add", args=[nia.pk]),
        {"requirement": "all", "reason": pauses.CAREER_BREAK, **boxes("first_day", timezone.localdate())},
    )
    assert response.status_code == 302
    changes = AuditEvent.objects.filter(action=AuditEvent.PAUSE_CHANGED).order_by("pk").values_list("detail", flat=True)
    assert [c["change"] for c in changes] == ["added", "changed", "withdrawn", "added"]
    assert EvidenceEntry.objects.filter(source=EvidenceEntry.PAUSE).count() == 3


def test_a_bad_form_changes_nothing(world):
    client = client_for(world["hr"])
    before = (EvidenceEntry.objects.count(), AuditEvent.objects.filter(action=AuditEvent.PAUSE_CHANGED).count())
    response = client.post(
        reverse("pauses:add", args=[world["nia"].pk]),
        {
            "requirement": "all",
            "reason": "holiday",
            "first_day_day": "30",
            "first_day_month": "2",
            "first_day_year": "2026",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a reason from the list" in html and "The first day of the pause must be a real date" in html
    assert (EvidenceEntry.objects.count(), AuditEvent.objects.filter(action=AuditEvent.PAUSE_CHANGED).count()) == before


def test_the_manager_sees_paused_until_but_neither_the_reason_nor_hrs_words_nor_the_pause_link(world):
    hr = world["hr"].user
    pauses.pause_change(
        staff=world["nia"],
        ref=world["pause"].ref,
        reason_code=pauses.OTHER,
        reason_text="Caring for a relative abroad",
        first_day=timezone.localdate(),
        last_day=timezone.localdate() + datetime.timedelta(days=10),
        user=hr,
    )
    page = client_for(world["manager"]).get(reverse("reports:team_person", args=[world["nia"].pk]))
    html = page.content.decode()
    until = timezone.localdate() + datetime.timedelta(days=10)
    assert (
        f"Paused until {until.day} {until:%B %Y}" in html and f"paused from {timezone.localdate():%-d %b %Y} to" in html
    )
    # Only HR and Nia see why: not the category, nor in the note the change left ("Pause changed: from ...").
    assert "Other" not in html and "sickness" not in html and "Pause changed: from" in html
    assert "Caring for a relative" not in html and "Pause requirements" not in html
    assert "Caring for a relative abroad" in client_for(world["hr"]).get(urls(world)[0]).content.decode()


def test_the_pauses_page_runs_the_same_queries_however_many_pauses(world, django_assert_num_queries):
    client = client_for(world["hr"])
    url = urls(world)[0]
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    more = factories.make_requirement(name="Manual handling")
    projection.refresh()
    for n in range(3):
        first = timezone.localdate() + datetime.timedelta(days=30 * (n + 1))
        pauses.pause_add(
            staff=world["nia"],
            requirements=[more],
            reason_code=pauses.SECONDMENT,
            first_day=first,
            last_day=first + datetime.timedelta(days=5),
            user=world["hr"].user,
        )
    with django_assert_num_queries(len(one)):
        assert client.get(url).status_code == 200
