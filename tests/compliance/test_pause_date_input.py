"""The pause form asks for its first and last days with the NHS.UK date input (day, month and year boxes,
portal.lib.forms.DayMonthYearField), not the browser's date picker: each mistake gets a message naming the date and
what is wrong, the error summary links to that date's day box, and nothing is recorded."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance import pauses
from portal.compliance.models import EvidenceEntry
from tests.compliance import test_pause_pages

world = test_pause_pages.world  # the fixture: Nia, paused from today with no return date, and HR
client_for = test_pause_pages.client_for
typed = test_pause_pages.boxes  # a date, in its three boxes


def boxes(field: str, day: str = "", month: str = "", year: str = "") -> dict:
    return {f"{field}_day": day, f"{field}_month": month, f"{field}_year": year}


def _recorded(world):
    return (
        EvidenceEntry.objects.count(),
        AuditEvent.objects.filter(action=AuditEvent.PAUSE_CHANGED).count(),
        [(p.ref, p.first_day, p.last_day) for p in pauses.pauses_for_staff(world["nia"])],
    )


@pytest.mark.parametrize("page", ["pauses:add", "pauses:change"])
def test_each_day_is_three_labelled_boxes_in_a_fieldset_not_a_date_picker(world, page):
    nia, pause = world["nia"], world["pause"]
    args = [nia.pk] if page == "pauses:add" else [nia.pk, pause.ref]
    html = client_for(world["hr"]).get(reverse(page, args=args)).content.decode()
    assert 'type="date"' not in html
    assert '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">First day paused</legend>' in html
    assert "Last day paused (the day before they are expected back)</legend>" in html
    for field in ("first_day", "last_day"):
        for part in ("day", "month", "year"):
            assert f'<label class="nhsuk-label nhsuk-date-input__label" for="id_{field}_{part}">' in html
            assert f'id="id_{field}_{part}" name="{field}_{part}" type="text" inputmode="numeric"' in html


def test_the_change_form_fills_the_boxes_with_the_pause_as_it_is(world):
    nia, pause = world["nia"], world["pause"]
    html = client_for(world["hr"]).get(reverse("pauses:change", args=[nia.pk, pause.ref])).content.decode()
    for part, value in (
        ("day", timezone.localdate().day),
        ("month", timezone.localdate().month),
        ("year", timezone.localdate().year),
    ):
        assert f'name="first_day_{part}" type="text" inputmode="numeric" value="{value}"' in html
        assert f'name="last_day_{part}" type="text" inputmode="numeric">' in html  # no return date yet


def test_days_typed_in_the_boxes_are_recorded(world):
    nia, pause = world["nia"], world["pause"]
    last = timezone.localdate() + datetime.timedelta(days=40)
    data = {
        "reason": pauses.SICKNESS,
        "other": "",
        **typed("first_day", timezone.localdate()),
        **typed("last_day", last),
    }
    response = client_for(world["hr"]).post(reverse("pauses:change", args=[nia.pk, pause.ref]), data)
    assert response.status_code == 302
    [changed] = pauses.pauses_for_staff(nia)
    assert (changed.first_day, changed.last_day) == (timezone.localdate(), last)


def test_an_empty_last_day_means_no_return_date_yet(world):
    nia = world["nia"]
    client = client_for(world["hr"])
    client.post(reverse("pauses:withdraw", args=[nia.pk, world["pause"].ref]), {"why": "Wrong person"})
    start = timezone.localdate() - datetime.timedelta(days=3)
    data = {"requirement": "all", "reason": pauses.CAREER_BREAK, **typed("first_day", start), **boxes("last_day")}
    assert client.post(reverse("pauses:add", args=[nia.pk]), data).status_code == 302
    [added] = pauses.pauses_for_staff(nia)
    assert (added.first_day, added.last_day) == (start, None)


def test_a_date_sent_as_year_month_day_is_not_taken_for_the_boxes(world):
    """The form's fields are the boxes: `first_day=2026-03-05` (the old date picker's field) is not a first day."""
    nia = world["nia"]
    before = _recorded(world)
    data = {"requirement": "all", "reason": pauses.CAREER_BREAK, "first_day": timezone.localdate().isoformat()}
    response = client_for(world["hr"]).post(reverse("pauses:add", args=[nia.pk]), data)
    assert response.status_code == 400 and "Enter the first day of the pause" in response.content.decode()
    assert _recorded(world) == before


# Good days for the other box (yesterday; 9 October next year), typed as read in the test: read when the file was
# imported, a run going past midnight typed other days than these.
GOOD_FIRST, GOOD_LAST = "a good first day", "a good last day"


def _typed(value):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=1)
    good = {
        GOOD_FIRST: (str(start.day), str(start.month), str(start.year)),
        GOOD_LAST: ("9", "10", str(today.year + 1)),
    }
    return good.get(value, value)


@pytest.mark.parametrize(
    ("first", "last", "message", "box"),
    [
        (("", "", ""), GOOD_LAST, "Enter the first day of the pause", "first_day"),
        (("15", "", "2026"), GOOD_LAST, "The first day of the pause must include a month", "first_day"),
        (("", "", "2026"), GOOD_LAST, "The first day of the pause must include a day and a month", "first_day"),
        (("32", "3", "2026"), GOOD_LAST, "The first day of the pause must have a day from 1 to 31", "first_day"),
        (("0", "3", "2026"), GOOD_LAST, "The first day of the pause must have a day from 1 to 31", "first_day"),
        (("1", "13", "2026"), GOOD_LAST, "The first day of the pause must have a month from 1 to 12", "first_day"),
        (("30", "2", "2026"), GOOD_LAST, "The first day of the pause must be a real date", "first_day"),
        (("1", "March", "2026"), GOOD_LAST, "The first day of the pause must be a real date", "first_day"),
        (
            ("1", "3", "26"),
            GOOD_LAST,
            "The first day of the pause must have a year with 4 numbers, for example 2026",
            "first_day",
        ),
        (GOOD_FIRST, ("9", "10", ""), "The last day of the pause must include a year", "last_day"),
        (GOOD_FIRST, ("31", "4", "2027"), "The last day of the pause must be a real date", "last_day"),
        (GOOD_FIRST, ("1", "\x00", "2027"), "The last day of the pause must be a real date", "last_day"),
    ],
)
def test_each_mistake_is_named_links_to_its_day_box_and_changes_nothing(world, first, last, message, box):
    first, last = _typed(first), _typed(last)
    nia, pause = world["nia"], world["pause"]
    before = _recorded(world)
    data = {"reason": pauses.SICKNESS, "other": "", **boxes("first_day", *first), **boxes("last_day", *last)}
    response = client_for(world["hr"]).post(reverse("pauses:change", args=[nia.pk, pause.ref]), data)
    html = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in html
    assert f'<li><a href="#id_{box}_day">{message}</a></li>' in html  # in the summary, linking to the first box
    assert f'<span class="nhsuk-u-visually-hidden">Error:</span> {message}</span>' in html  # and by the boxes
    assert f'aria-describedby="id_{box}-hint id_{box}-error"' in html
    for part, value in zip(("day", "month", "year"), first if box == "first_day" else last, strict=True):
        if value and value.isprintable():  # what was typed stays in the boxes, to put right
            assert f'name="{box}_{part}" type="text" inputmode="numeric" value="{value}"' in html
    assert _recorded(world) == before
