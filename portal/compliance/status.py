"""A person's standing on a requirement, as pure functions of dates: no database here."""

import datetime
from dataclasses import dataclass

COMPLIANT = "compliant"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
NOT_STARTED = "not_started"
NOT_REQUIRED = "not_required"
PAUSED = "paused"

LABELS = {
    COMPLIANT: "Compliant",
    DUE_SOON: "Due soon",
    OVERDUE: "Overdue",
    NOT_STARTED: "Not started",
    NOT_REQUIRED: "Not required",
    PAUSED: "Paused",
}
TAG_COLOURS = {
    COMPLIANT: "green",
    DUE_SOON: "yellow",
    OVERDUE: "red",
    NOT_STARTED: "grey",
    NOT_REQUIRED: "white",
    PAUSED: "blue",
}

# A pause: its first and last day (None: no return date yet).
Span = tuple[datetime.date, datetime.date | None]


def label(state: str, paused_until: datetime.date | None = None) -> str:
    """The words on the tag: "Paused until 3 March 2027" for a pause with a return date."""
    if state == PAUSED and paused_until is not None:
        return f"Paused until {paused_until.day} {paused_until:%B %Y}"
    return LABELS[state]


@dataclass(frozen=True)
class Standing:
    """What the projection stores for one person and requirement; the state follows from it and today's date."""

    required: bool
    completed_on: datetime.date | None
    expires_on: datetime.date | None
    due_on: datetime.date | None
    paused_from: datetime.date | None = None  # the pause in force on the day judged, or the next one
    paused_until: datetime.date | None = None
    # The day a re-attestation round opened that asks for this again: the evidence held is outdated by it (its expiry
    # brought forward to the round's deadline). None when no round asks.
    renew_from: datetime.date | None = None

    def paused_on(self, today: datetime.date) -> bool:
        return (
            self.paused_from is not None
            and self.paused_from <= today
            and (self.paused_until is None or today <= self.paused_until)
        )

    def state(self, today: datetime.date, due_soon_days: int = 30) -> str:
        return state_on(today, self, due_soon_days)

    def valid_on(self, today: datetime.date) -> bool:
        """Holds a completion still in date: what the figures count as compliant. "Due soon" alone is not enough,
        since a requirement never done is due soon before its first due date too."""
        return self.completed_on is not None and (self.expires_on is None or today <= self.expires_on)


def state_on(today: datetime.date, standing: Standing, due_soon_days: int = 30) -> str:
    """Paused while a pause is in force, whatever else holds; compliant while today is on or before the expiry
    date; due soon inside the window before the due date, whether done before or never, and from the day a
    re-attestation round asked for it again (`renew_from`: the evidence still counts, but needs action); not
    started until then; overdue after the due date."""
    if not standing.required:
        return NOT_REQUIRED
    if standing.paused_on(today):
        return PAUSED
    valid = standing.completed_on is not None and (standing.expires_on is None or today <= standing.expires_on)
    due_on = standing.due_on
    if valid:
        if standing.renew_from is not None and standing.renew_from <= today:
            return DUE_SOON
        if due_on is not None and (due_on - today).days < due_soon_days:
            return DUE_SOON
        return COMPLIANT
    if due_on is not None and today > due_on:
        return OVERDUE
    if standing.completed_on is None and (due_on is None or (due_on - today).days >= due_soon_days):
        return NOT_STARTED
    return DUE_SOON


def merge_pauses(pauses) -> list[Span]:
    """Pauses in order of their first day, overlapping or touching ones made one."""
    merged: list[list] = []
    for start, end in sorted(pauses, key=lambda span: span[0]):
        if merged and (merged[-1][1] is None or start <= merged[-1][1] + datetime.timedelta(days=1)):
            last = merged[-1]
            last[1] = None if end is None or last[1] is None else max(last[1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def pause_shown(on: datetime.date, pauses) -> Span | tuple[None, None]:
    """The pause in force on `on`, else the next to start, else (None, None): what the status row keeps."""
    for start, end in merge_pauses(pauses):
        if end is None or end >= on:
            return start, end
    return None, None


def due_after_pauses(due_on: datetime.date | None, window_start: datetime.date, pauses) -> datetime.date | None:
    """The due date once the clock has stopped for the paused days: the person still gets every unpaused day their
    window (`window_start`, exclusive, to `due_on`, inclusive) gave them. So the due date moves later by the paused
    days that fall inside the window, and again by any paused days the move brings inside it; a pause before the
    window starts or after the due date changes nothing. A pause with no return date that starts before the
    person's days run out leaves no due date (None) until HR sets one. Pure."""
    if due_on is None or due_on <= window_start:
        return due_on
    owed = (due_on - window_start).days  # unpaused days still to give
    day = window_start  # the last day accounted for
    for start, end in merge_pauses(pauses):
        start = max(start, window_start + datetime.timedelta(days=1))
        if end is not None and end < start:
            continue  # wholly before the window
        free = (start - day).days - 1  # unpaused days after `day` and before the pause
        if free >= owed:
            break
        owed -= free
        if end is None:
            return None
        day = end
    return day + datetime.timedelta(days=owed)
