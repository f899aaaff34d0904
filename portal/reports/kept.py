"""Figures kept for days that have ended: computed from the ledger once, read from then on.

What a report says about a past day never changes, so there is nothing to invalidate: a day is computed the first
time anyone asks for it (or by the nightly run, ahead of them) and stored whole, in one transaction."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.compliance import status
from portal.compliance.asat import Moment, standings_as_at

from .models import DailyFigure, KeptDay


def day_has_ended(day: datetime.date) -> bool:
    return Moment.end_of(day).cutoff <= timezone.now()


def day_keep(day: datetime.date) -> bool:
    """Compute and keep the figures for `day` (which must have ended). False if they were kept already."""
    if not day_has_ended(day):
        raise ValueError(f"{day} has not ended yet: its figures could still change.")
    if KeptDay.objects.filter(day=day).exists():
        return False
    window = getattr(settings, "PORTAL_DUE_SOON_DAYS", 30)
    cells = defaultdict(lambda: [0, 0, 0])
    # Every requirement in force that day, with its terms then, as recorded by its end (`standings_as_at` reads them
    # from their history, as an export does): one retired since is counted, one introduced since is not.
    for facts, standings in standings_as_at(Moment.end_of(day)):
        if facts.team_id is None:
            continue
        for requirement, standing in standings:
            state = standing.state(day, window)
            if state == status.PAUSED:
                continue  # out of the figures while paused
            cell = cells[(facts.team_id, facts.staff_group, requirement.pk)]
            cell[0] += 1
            cell[1] += standing.valid_on(day)
            cell[2] += state == status.OVERDUE
    try:
        with transaction.atomic():
            KeptDay.objects.create(day=day)
            DailyFigure.objects.bulk_create(
                (
                    DailyFigure(
                        day=day,
                        team_id=team_id,
                        staff_group=group,
                        requirement_id=requirement_id,
                        required=required,
                        compliant=compliant,
                        overdue=overdue,
                    )
                    for (team_id, group, requirement_id), (required, compliant, overdue) in cells.items()
                ),
                batch_size=2000,
            )
    except IntegrityError:
        return False  # kept by another worker at the same moment: the same figures
    return True


def days_keep(days) -> int:
    """Keep every ended day of `days` not kept yet. Returns how many were computed."""
    return sum(day_keep(day) for day in days if day_has_ended(day))
