"""A person's standing on a requirement, as pure functions of dates: no database here."""

import datetime
from dataclasses import dataclass

COMPLIANT = "compliant"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
NOT_STARTED = "not_started"
NOT_REQUIRED = "not_required"

LABELS = {
    COMPLIANT: "Compliant",
    DUE_SOON: "Due soon",
    OVERDUE: "Overdue",
    NOT_STARTED: "Not started",
    NOT_REQUIRED: "Not required",
}
TAG_COLOURS = {COMPLIANT: "green", DUE_SOON: "yellow", OVERDUE: "red", NOT_STARTED: "grey", NOT_REQUIRED: "white"}


@dataclass(frozen=True)
class Standing:
    """What the projection stores for one person and requirement; the state follows from it and today's date."""

    required: bool
    completed_on: datetime.date | None
    expires_on: datetime.date | None
    due_on: datetime.date | None

    def state(self, today: datetime.date, due_soon_days: int = 30) -> str:
        return state_on(today, self, due_soon_days)


def state_on(today: datetime.date, standing: Standing, due_soon_days: int = 30) -> str:
    """Compliant while today is on or before the expiry date; due soon inside the window before the due date,
    whether done before or never; not started until then; overdue after the due date."""
    if not standing.required:
        return NOT_REQUIRED
    valid = standing.completed_on is not None and (standing.expires_on is None or today <= standing.expires_on)
    due_on = standing.due_on
    if valid:
        if due_on is not None and (due_on - today).days < due_soon_days:
            return DUE_SOON
        return COMPLIANT
    if due_on is not None and today > due_on:
        return OVERDUE
    if standing.completed_on is None and (due_on is None or (due_on - today).days >= due_soon_days):
        return NOT_STARTED
    return DUE_SOON
