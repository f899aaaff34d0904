"""Compliance month by month: the organisation's share compliant at the end of each of the last twelve months.

Months that have ended are computed once from the ledger (as at the end of their last day) and kept in
MonthlyFigure; the current month is read live from the projection."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from portal.compliance.asat import Moment
from portal.compliance.dates import end_of_local_day
from portal.compliance.models import Requirement
from portal.people.models import Team

from .models import MonthlyFigure
from .organisation import Figure, figures_as_at, figures_live

MONTHS = 12


def month_ends(today: datetime.date, count: int = MONTHS - 1) -> list[datetime.date]:
    """The last day of each of the `count` months before today's, oldest first."""
    ends, first = [], today.replace(day=1)
    for _ in range(count):
        last = first - datetime.timedelta(days=1)
        ends.append(last)
        first = last.replace(day=1)
    return ends[::-1]


def monthly_figures_fill(today: datetime.date) -> int:
    """Compute and keep the figures for every past month end not yet kept. Returns the months computed."""
    root = Team.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return 0
    requirements = list(Requirement.objects.filter(active=True))
    kept = set(MonthlyFigure.objects.values_list("month_end", "requirement_id"))
    computed = 0
    for month_end in month_ends(today):
        missing = [r for r in requirements if (month_end, r.pk) not in kept]
        if not missing or end_of_local_day(month_end) > Moment.now().cutoff:
            continue
        totals = {r.pk: Figure() for r in missing}
        for (_, requirement_id), figure in figures_as_at(root, missing, Moment.end_of(month_end)).items():
            totals[requirement_id].add(figure)
        try:
            with transaction.atomic():
                MonthlyFigure.objects.bulk_create(
                    MonthlyFigure(month_end=month_end, requirement_id=pk, **vars(figure))
                    for pk, figure in totals.items()
                )
        except IntegrityError:
            continue  # another worker kept this month first: its figures are the same
        computed += 1
    return computed


@dataclass
class Point:
    day: datetime.date
    figure: Figure | None  # None: not computed yet


def trend(today: datetime.date, requirement: Requirement | None = None) -> tuple[list[Point], bool]:
    """Twelve points, oldest first: the kept month ends, then today live. Also whether any month is missing (the
    caller then asks for them to be computed in the background). Three queries."""
    ends = month_ends(today)
    which = {"requirement": requirement} if requirement is not None else {"requirement__active": True}
    rows = MonthlyFigure.objects.filter(month_end__in=ends, **which)
    by_month = {}
    for row in rows:
        by_month.setdefault(row.month_end, Figure()).add(Figure(row.required, row.compliant, row.overdue))
    points = [Point(end, by_month.get(end)) for end in ends]
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
