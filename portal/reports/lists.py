"""The lists HR acts on. Each is one or two queries, capped at LIST_LIMIT rows with the full count beside it.

The people on them are those the reminders chase: in post today, started and not left (`StaffMember.objects.in_post`). A
future starter is on the roster, with status rows, but nothing is asked of them before their first day, so HR has
nothing to act on yet: they join the lists from their start date, as they join the reports and the reminders."""

import datetime

from django.db.models import Count, Q

from portal.compliance.dates import add_months
from portal.compliance.models import Certificate, RequirementStatus
from portal.people.models import StaffMember

LIST_LIMIT = 50
NEW_STARTER_MONTHS = 12


def _overdue(today: datetime.date) -> Q:
    """A row with no valid completion and its due date passed, for someone in post and not paused."""
    expired = Q(completed_on__isnull=True) | Q(expires_on__lt=today)
    return (
        expired
        & Q(due_on__lt=today, requirement__active=True, staff__in=StaffMember.objects.in_post(today))
        & ~RequirementStatus.paused_on_q(today)
    )


def overdue_by_team(today: datetime.date):
    """Teams by the number of people overdue on anything, most first: (team id, name, code, people, items)."""
    return (
        RequirementStatus.objects.filter(_overdue(today))
        .values("staff__team_id", "staff__team__name", "staff__team__code")
        .annotate(people=Count("staff", distinct=True), items=Count("pk"))
        .order_by("-people", "staff__team__name")
    )


def never_signed_in(today: datetime.date):
    """Staff in post who have no account yet or have never signed in, longest-serving first."""
    return (
        StaffMember.objects.in_post(today)
        .filter(Q(user__isnull=True) | Q(user__last_login__isnull=True))
        .select_related("team")
        .order_by("start_date", "last_name", "first_name")
    )


def new_starters_past_window(today: datetime.date):
    """People who started in the last year with something never completed and past its new-starter window."""
    since = add_months(today, -NEW_STARTER_MONTHS)
    paused = Q(statuses__paused_from__lte=today) & (
        Q(statuses__paused_until__isnull=True) | Q(statuses__paused_until__gte=today)
    )
    missed = Count(
        "statuses",
        filter=Q(statuses__completed_on__isnull=True, statuses__due_on__lt=today, statuses__requirement__active=True)
        & ~paused,
    )
    return (
        StaffMember.objects.in_post(today)
        .filter(start_date__gte=since)
        .annotate(missed=missed)
        .filter(missed__gt=0)
        .select_related("team")
        .order_by("start_date", "last_name")
    )


def certificates_waiting():
    return Certificate.objects.filter(status=Certificate.PENDING).select_related("staff", "requirement")


def capped(queryset) -> tuple[list, int]:
    """The first LIST_LIMIT rows and the total: two queries however long the list."""
    return list(queryset[:LIST_LIMIT]), queryset.count()
