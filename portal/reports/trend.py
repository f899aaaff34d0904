"""Compliance month by month: the organisation's share compliant at the end of each of the last twelve months.

Months that have ended are read from the figures kept for their last day (reports.kept); the current month is read
live from the projection. Month ends not kept yet are computed in the background."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Q, Sum

from portal.compliance.models import Requirement
from portal.people.models import Team

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


def trend(today: datetime.date, requirement: Requirement | None = None) -> tuple[list[Point], bool]:
    """Twelve points, oldest first: the kept month ends, then today live. Also whether any month is missing (the
    caller then asks for them to be computed in the background). Five queries."""
    ends = month_ends(today)
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
    points = [Point(end, by_day.get(end, Figure()) if end in kept else None) for end in ends]
    root = Team.objects.filter(depth=1).order_by("path").first()
    now = Figure()
    if root is not None:
        requirements = [requirement] if requirement else Requirement.objects.filter(active=True)
        for figure in figures_live(root, requirements, today).values():
            now.add(figure)
    points.append(Point(today, now))
    return points, any(point.figure is None for point in points)


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
