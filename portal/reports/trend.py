"""Compliance month by month: the organisation's share compliant at the end of each of the last twelve months, on
either clock (`reports.basis`); the last point is today, live from the projection, on both.

"As it was": every month end in one query over the status table in effective time, so an organisation that imported
its history today sees a full chart today. "As recorded then": month ends read from the figures kept for their last
day (reports.kept); month ends not kept yet are computed in the background."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum

from portal.compliance import status
from portal.compliance.models import Requirement, StatusInterval

from .basis import AS_IT_WAS, AS_RECORDED
from .models import DailyFigure, KeptDay
from .organisation import Figure, figures_live

MONTHS = 12


def month_ends(today: datetime.date, count: int = MONTHS - 1) -> list[datetime.date]:
    """The last day of each of the `count` months before today's, oldest first."""
    ends, first = [], today.replace(day=1)
    for _ in range(count):
        last = first - datetime.timedelta(days=1)
        ends.append(last)
        first = last.replace(day=1)
    return ends[::-1]


@dataclass
class Point:
    day: datetime.date
    figure: Figure | None  # None: not computed yet


def trend(
    today: datetime.date, requirement: Requirement | None = None, basis: str = AS_RECORDED
) -> tuple[list[Point], bool]:
    """Twelve points, oldest first: the month ends on the clock `basis`, then today live. Also whether any month is
    missing (the caller then asks for them to be computed in the background). Four queries as recorded, three as
    it was."""
    ends = month_ends(today)
    points = _points_as_it_was(ends, requirement) if basis == AS_IT_WAS else _kept_points(ends, requirement)
    # Everyone in a team, whichever organisation at the top of the tree it is in, as the month ends count them.
    now = Figure()
    requirements = [requirement] if requirement else Requirement.objects.filter(active=True)
    for figure in figures_live(None, requirements, today).values():
        now.add(figure)
    points.append(Point(today, now))
    return points, any(point.figure is None for point in points)


def _points_as_it_was(ends: list[datetime.date], requirement: Requirement | None) -> list[Point]:
    """Each month end as it was, from the runs of the status table in effective time that held on it: one query, the
    runs overlapping the months counted day by day in the database."""
    rows = StatusInterval.objects.filter(valid_to__gt=ends[0], valid_from__lte=ends[-1], team__isnull=False).exclude(
        state=status.PAUSED
    )
    if requirement is not None:
        rows = rows.filter(requirement=requirement)
    counts = {}
    for n, end in enumerate(ends):
        held = StatusInterval.on_q(end)
        counts[f"required_{n}"] = Count("pk", filter=held)
        counts[f"compliant_{n}"] = Count("pk", filter=held & Q(compliant=True))
        counts[f"overdue_{n}"] = Count("pk", filter=held & Q(state=status.OVERDUE))
    totals = rows.aggregate(**counts)
    return [
        Point(end, Figure(totals[f"required_{n}"], totals[f"compliant_{n}"], totals[f"overdue_{n}"]))
        for n, end in enumerate(ends)
    ]


def _kept_points(ends: list[datetime.date], requirement: Requirement | None) -> list[Point]:
    """Each month end as recorded then, from the figures kept for it (None where not kept yet)."""
    kept = set(KeptDay.objects.filter(day__in=ends).values_list("day", flat=True))
    # A requirement retired since counts on the days before it was retired.
    which = (
        Q(requirement=requirement)
        if requirement is not None
        else Q(requirement__active=True) | Q(requirement__retired_on__gt=F("day"))
    )
    totals = (
        DailyFigure.objects.filter(which, day__in=kept)
        .values("day")
        .annotate(required=Sum("required"), compliant=Sum("compliant"), overdue=Sum("overdue"))
        .order_by()
    )
    by_day = {row["day"]: Figure(row["required"], row["compliant"], row["overdue"]) for row in totals}
    return [Point(end, by_day.get(end, Figure()) if end in kept else None) for end in ends]


@dataclass
class Chart:
    """Coordinates for the SVG line chart: x along the months, y from 100% (top) to 0% (bottom)."""

    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    marks: list  # (x, y, point)
    months: list  # (x, label)
    gridlines: list  # (y, percent)
    target_y: float

    @property
    def line(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in self.marks)


def chart(points: list[Point], target: int, width: int = 640, height: int = 260) -> Chart:
    left, top, right, bottom = 48, 12, 12, 40
    plot_width, plot_height = width - left - right, height - top - bottom
    step = plot_width / max(len(points) - 1, 1)

    def y_for(percent):
        return top + plot_height * (100 - percent) / 100

    marks, months = [], []
    for index, point in enumerate(points):
        x = left + index * step
        months.append((x, point.day.strftime("%b")))
        if point.figure is not None and point.figure.percent is not None:
            marks.append((x, y_for(point.figure.percent), point))
    gridlines = [(y_for(p), p) for p in (0, 25, 50, 75, 100)]
    return Chart(width, height, left, top, plot_width, plot_height, marks, months, gridlines, y_for(target))
