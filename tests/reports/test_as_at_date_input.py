"""The "As at" date of the report pages (the team page, a person's page, the organisation report, a new evidence pack)
is the NHS.UK date input (day, month and year boxes), not the browser's date picker. Links, bookmarks and the docs
give the day as `?as_at=YYYY-MM-DD`, which every page still reads; the links the pages build stay in that form. A
wrong date is named, shows nothing and records nothing; the boxes cost no query the ISO form does not."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.reports.models import EvidencePack
from tests.reports.conftest import client_for


def _day():
    return timezone.localdate() - datetime.timedelta(days=3)


def boxes(day="", month="", year="") -> dict:
    return {"as_at_day": day, "as_at_month": month, "as_at_year": year}


def typed(date: datetime.date) -> dict:
    return boxes(str(date.day), str(date.month), str(date.year))


def _pages(org):
    """(who asks, URL, the rest of its query) of each page with an "As at" date."""
    return {
        "team": ("manager", reverse("reports:team"), {}),
        "person": ("manager", reverse("reports:team_person", args=[org["sam"].pk]), {}),
        "organisation": ("hr", reverse("hr_reports:organisation"), {}),
        "pack": ("manager", reverse("exports:pack_new"), {"team": org["comms"].pk}),
    }


PAGES = ["team", "person", "organisation", "pack"]

# The cases name the year and tomorrow in words, read in the test (_read): read when the file was imported, a run
# going past midnight asked for a "tomorrow" that was today by then.
THIS_YEAR, LAST_YEAR, TOMORROW = "this year", "last year", {"as_at": "tomorrow, typed in the boxes"}


def _read(query: dict) -> dict:
    today = timezone.localdate()
    if query == TOMORROW:
        return typed(today + datetime.timedelta(days=1))
    years = {THIS_YEAR: str(today.year), LAST_YEAR: str(today.year - 1)}
    return {name: years.get(value, value) for name, value in query.items()}


def _asker(org, hr, page):
    """A GET of the page for the one who may see it, with a query."""
    who, url, rest = _pages(org)[page]
    client = client_for(hr if who == "hr" else org["manager"])
    return lambda query: client.get(url, {**rest, **query})


@pytest.mark.parametrize("page", PAGES)
def test_the_date_is_three_labelled_boxes_in_a_fieldset_not_a_date_picker(org, hr, page):
    html = _asker(org, hr, page)({}).content.decode()
    assert 'type="date"' not in html and 'name="as_at"' not in html
    assert '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">As at</legend>' in html
    assert "For example, 31 3 2026" in html
    for part in ("day", "month", "year"):
        assert f'<label class="nhsuk-label nhsuk-date-input__label" for="id_as_at_{part}">' in html
        assert f'id="id_as_at_{part}" name="as_at_{part}" type="text" inputmode="numeric">' in html


@pytest.mark.parametrize("page", PAGES)
def test_the_boxes_and_a_links_year_month_day_give_the_same_day_and_fill_the_boxes(org, hr, page):
    get = _asker(org, hr, page)
    from_boxes = get(typed(_day()))
    from_link = get({"as_at": _day().isoformat()})
    for response in (from_boxes, from_link):
        assert response.status_code == 200
        assert response.context["form"].cleaned_data["as_at"] == _day()
        html = response.content.decode()
        for part, value in (("day", _day().day), ("month", _day().month), ("year", _day().year)):
            assert f'name="as_at_{part}" type="text" inputmode="numeric" value="{value}"' in html


def test_the_boxes_win_over_a_leftover_year_month_day(org):
    client = client_for(org["manager"])
    other = _day() - datetime.timedelta(days=5)
    response = client.get(reverse("reports:team"), {"as_at": other.isoformat(), **typed(_day())})
    assert response.context["matrix"].as_at == _day()


def test_links_the_organisation_report_builds_carry_the_day_as_year_month_day(org, hr):
    html = (
        client_for(hr).get(reverse("hr_reports:organisation"), {**typed(_day()), "basis": "as_it_was"}).content.decode()
    )
    day = f"as_at={_day().isoformat()}&amp;basis=as_it_was"
    assert f'href="{reverse("reports:team")}?team={org["finance"].pk}&amp;{day}"' in html  # a team's page
    assert f'href="?team={org["comms"].pk}&amp;{day}"' in html  # the teams below a directorate
    assert f'href="{reverse("exports:csv")}?{day}&amp;team=' in html
    assert f'href="{reverse("exports:pack_new")}?{day}&amp;team=' in html
    assert "as_at_day=" not in html


def test_links_the_team_page_builds_carry_the_day_as_year_month_day(org):
    html = client_for(org["manager"]).get(reverse("reports:team"), typed(_day())).content.decode()
    assert f'href="{reverse("exports:csv")}?team=&amp;as_at={_day().isoformat()}&amp;basis=as_it_was"' in html
    person = reverse("reports:team_person", args=[org["sam"].pk])
    assert f'href="{person}?as_at={_day().isoformat()}&amp;basis=as_it_was"' in html
    assert "as_at_day=" not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (boxes("15", "", THIS_YEAR), "The date must include a month"),
        (boxes("", "", THIS_YEAR), "The date must include a day and a month"),
        (boxes("32", "1", THIS_YEAR), "The date must have a day from 1 to 31"),
        (boxes("1", "13", THIS_YEAR), "The date must have a month from 1 to 12"),
        (boxes("30", "2", THIS_YEAR), "The date must be a real date"),
        (boxes("1", "Jan", THIS_YEAR), "The date must be a real date"),
        (boxes("1", "1", "26"), "The date must have a year with 4 numbers, for example 2026"),
        (TOMORROW, "The date must be today or in the past"),
        (boxes("31", "12", "1999"), "The date must be on or after 1 January 2000"),
        ({"as_at": "31/03/2026"}, "The date in the web address must be year-month-day, for example 2026-03-31"),
        ({"as_at": "2026-02-30"}, "The date in the web address must be year-month-day, for example 2026-03-31"),
        ({"as_at": "2999-01-01"}, "The date must be today or in the past"),
    ],
)
@pytest.mark.parametrize("page", PAGES)
def test_a_wrong_date_is_named_links_to_the_day_box_and_shows_nothing(org, hr, page, query, message):
    query = _read(query)
    get = _asker(org, hr, page)
    audited = AuditEvent.objects.count()
    response = get(query)
    html = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in html
    assert f'<li><a href="#id_as_at_day">{message}</a></li>' in html
    assert f'<span class="nhsuk-u-visually-hidden">Error:</span> {message}</span>' in html
    assert 'aria-describedby="id_as_at-hint id_as_at-error"' in html
    assert response.context.get("report") is None and response.context.get("matrix") is None
    assert "<h2>Requirements" not in html
    assert AuditEvent.objects.count() == audited


def test_a_pack_asked_for_in_the_boxes_is_made_for_that_day(org):
    client = client_for(org["manager"])
    response = client.post(
        reverse("exports:pack_new"), {"team": org["comms"].pk, **typed(_day()), "basis": "as_it_was"}
    )
    assert response.status_code == 302
    assert EvidencePack.objects.get().as_at == _day()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (boxes("31", "4", LAST_YEAR), "The date must be a real date"),
        (TOMORROW, "The date must be today or in the past"),
        ({"as_at": "yesterday"}, "The date in the web address must be year-month-day"),
    ],
)
def test_a_pack_with_a_wrong_date_is_named_and_not_made(org, query, message):
    query = _read(query)
    response = client_for(org["manager"]).post(reverse("exports:pack_new"), {"team": org["comms"].pk, **query})
    html = response.content.decode()
    assert response.status_code == 400 and message in html and '<a href="#id_as_at_day">' in html
    assert not EvidencePack.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.EXPORT).exists()


def _count(get, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert get(query).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", PAGES)
def test_the_boxes_run_the_same_queries_as_year_month_day(org, hr, page):
    get = _asker(org, hr, page)
    _count(get, {"as_at": _day().isoformat()})  # the first time fills anything kept (a past day's figures)
    assert _count(get, typed(_day())) == _count(get, {"as_at": _day().isoformat()})


@pytest.mark.parametrize("value", ["Sam\x00Person", "x" * 10_000, "9" * 5_000, "-1", "\u202e2026", "0001-01-01"])
@pytest.mark.parametrize("where", ["link", "day", "month", "year"])
def test_hostile_values_in_the_link_or_a_box_are_named_not_a_server_error(org, value, where):
    query = {"as_at": value} if where == "link" else {**typed(_day()), f"as_at_{where}": value}
    response = client_for(org["manager"]).get(reverse("reports:team_person", args=[org["sam"].pk]), query)
    assert response.status_code == 400 and '<a href="#id_as_at_day">The date' in response.content.decode()
