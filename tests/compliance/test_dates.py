import datetime
import zoneinfo

import pytest

from portal.compliance.dates import add_months, end_of_local_day, local_day

LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = datetime.UTC


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2028, 2, 29), 12, datetime.date(2029, 2, 28)),  # leap day: no 29 Feb next year
        (datetime.date(2028, 2, 29), 48, datetime.date(2032, 2, 29)),  # four years on, a leap year again
        (datetime.date(2027, 1, 31), 1, datetime.date(2027, 2, 28)),
        (datetime.date(2027, 8, 31), 36, datetime.date(2030, 8, 31)),
        (datetime.date(2027, 12, 15), 1, datetime.date(2028, 1, 15)),
        (datetime.date(2027, 11, 30), 3, datetime.date(2028, 2, 29)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_day_of_a_short_month(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("utc_moment", "expected_day"),
    [
        # 00:30 BST on 28 March 2027 (clocks went forward at 01:00 GMT) is 23:30 UTC on the 27th.
        (datetime.datetime(2027, 3, 27, 23, 30, tzinfo=UTC), datetime.date(2027, 3, 27)),
        (datetime.datetime(2027, 3, 28, 0, 30, tzinfo=UTC), datetime.date(2027, 3, 28)),
        # 23:30 UTC on 27 June is 00:30 BST on 28 June: a London calendar day ahead of UTC.
        (datetime.datetime(2027, 6, 27, 23, 30, tzinfo=UTC), datetime.date(2027, 6, 28)),
        # Clocks go back on 31 October 2027: 00:30 UTC is 01:30 BST, still the 31st.
        (datetime.datetime(2027, 10, 31, 0, 30, tzinfo=UTC), datetime.date(2027, 10, 31)),
        # In winter London is on GMT: 23:30 UTC is 23:30 on the same day.
        (datetime.datetime(2027, 12, 1, 23, 30, tzinfo=UTC), datetime.date(2027, 12, 1)),
    ],
)
def test_local_day_is_the_europe_london_calendar_day(utc_moment, expected_day, settings):
    settings.TIME_ZONE = "Europe/London"
    assert local_day(utc_moment) == expected_day


def test_end_of_local_day_is_midnight_london_time_in_summer_and_winter(settings):
    settings.TIME_ZONE = "Europe/London"
    summer = end_of_local_day(datetime.date(2027, 6, 27))
    winter = end_of_local_day(datetime.date(2027, 12, 1))
    assert summer.astimezone(UTC) == datetime.datetime(2027, 6, 27, 23, 0, tzinfo=UTC)
    assert winter.astimezone(UTC) == datetime.datetime(2027, 12, 2, 0, 0, tzinfo=UTC)
