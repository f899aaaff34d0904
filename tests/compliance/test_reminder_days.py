"""A requirement's reminders before the due date: a list of days, checked with a clear message."""

import pytest
from django.core.exceptions import ValidationError

from tests import factories


def test_the_default_is_the_one_before_offset(db, settings):
    assert factories.make_requirement().reminder_days == [14]
    settings.PORTAL_REMINDER_OFFSETS = {"before": -21}
    assert factories.make_requirement().reminder_days == [21]


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("60, 30", "whole numbers between square brackets"),
        ([60, "30"], "whole numbers between square brackets"),
        ([True], "whole numbers between square brackets"),
        ([0], "between 1 and 366"),
        ([400], "between 1 and 366"),
        ([30, 30], "Give each number of days once"),
        (list(range(1, 13)), "at most 10"),
    ],
)
def test_bad_reminder_days_are_named(db, days, message):
    requirement = factories.make_requirement()
    requirement.reminder_days = days
    with pytest.raises(ValidationError) as error:
        requirement.full_clean()
    assert message in str(error.value.message_dict["reminder_days"])


def test_good_reminder_days_pass(db):
    requirement = factories.make_requirement(reminder_days=[60, 30, 14])
    requirement.full_clean()
    assert requirement.reminder_days == [60, 30, 14]
