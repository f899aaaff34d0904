"""Reminders: before the due date, on it, after it, then escalation to the line manager and then HR; and a weekly
digest for managers.

When each stage is due, in days from the due date (settings.PORTAL_REMINDER_OFFSETS overrides any of them):

    before  -14   to the person, while it is not yet due: each requirement sets its own days before
                  (`Requirement.reminder_days`, e.g. [60, 30, 14]; the default is this one offset), each sent once
    on_due    0   to the person, on the due date (or the next run, if a day's run was missed)
    after    +7   to the person: it is overdue
    manager +14   to their line manager if they can see the person in the portal, else to the managers of the
                  person's team (`escalation`); skipped when there is none, or they have left, their account is
                  closed, or they are away (HR has paused all of their own requirements, for maternity leave, say)
    hr      +28   to everyone in the HR group

The stages after the due date form a ladder: each waits for the one before it to have been sent, and then for the
same gap the offsets put between them. One exception: when the mail server has refused the person's own overdue
reminder for good (a 5xx refusal of the address, not a server that cannot be reached) on UNDELIVERABLE_AFTER days, or
for now (a 4xx: the mailbox full, try later) or for good on REFUSED_FOR_NOW_AFTER days (`undeliverable_since`), the
ladder goes on as if it had been sent on the first of them (the first refused for good, when those were enough), and the
line manager (or HR) is told plainly that the person could not be emailed, naming the address: refused for good, to
check it in ESR; for now, that their mailbox is not taking email and to tell them. So too for a manager: one whose
address the mail server has refused the escalation at for good on UNDELIVERABLE_AFTER days, or refused for now (a 4xx:
the mailbox full) on REFUSED_FOR_NOW_AFTER days, is passed over, and HR's escalation, on its day, says the manager
could not be emailed and names the address; a manager's weekly list refused for good at their address on
UNDELIVERABLE_AFTER days is not tried again there. Each refusal is a ReminderRefusal row,
written and never changed. So someone first seen already months overdue (a requirement added today,
say) is told themselves first; their manager hears a week later and HR two weeks after that, never all three at
once. The digest goes to each manager on Mondays (or, when Monday's run did not reach them, on the next run that
week), listing the people in their teams who are overdue or due within the due-soon window. Nobody is reminded, nor
anyone told about them, while a pause is in force.

The manager told is one who can open the page the email links to: the line manager if they manage the person's team
or a team above it, otherwise the managers of the nearest team at or above the person's that has one
(`escalation.TeamManagers`: one query, read only on a day someone is far enough overdue for it to matter). A manager
skipped is passed over to HR, whatever the reason: the ladder is the person, their manager, HR, and HR are the ones
who can act for a manager who is gone or away (reassign the line management in ESR, chase the person themselves); a
manager's own manager is not on it. A manager away (`staff_away`) gets neither escalations nor the digest while every
requirement of theirs is paused; HR's escalation names them as away. From the day after the pause's last day they get
both again, and are told then about anyone of theirs still overdue, even if HR heard first.

Each (person, requirement, stage, days before, due date, recipient) is sent once, ever (`reminder_sending`, which also
runs the day: `reminders_send`). An email that did not go is recorded nowhere as sent, so the next run sends it: a
stage not sent is still due, and an escalation that reached some of its recipients and not others goes to the others
on each run for RETRY_DAYS. Someone whose work email is not an address (`people.emails.work_email_problem`) is treated
as having none.

A run sends each recipient one email per stage, listing everything of that stage it is about (`reminder_lists`): a
new starter with ten courses due on the same day gets one reminder naming the ten, not ten; a line manager one
escalation naming each of their people and courses; an HR officer one a day. Each line is still its own claim.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from portal.lib.links import portal_url
from portal.people.emails import work_email_problem
from portal.people.models import StaffMember, TeamManager

from . import status
from .dates import local_day
from .escalation import Escalation, TeamManagers
from .models import ReminderLog, Requirement, RequirementStatus
from .policy_versions import policy_change_notices
from .reminder_recipients import hr_recipients, staff_away
from .reminder_refusals import (
    REFUSED_FOR_NOW_AFTER,
    UNDELIVERABLE_AFTER,
    Refused,
    list_refused_days,
    manager_refused,
    refusals_read,
    undeliverable_since,
)

logger = logging.getLogger(__name__)

BEFORE, ON_DUE, AFTER = ReminderLog.BEFORE, ReminderLog.ON_DUE, ReminderLog.AFTER
MANAGER, HR, DIGEST = ReminderLog.ESCALATE_MANAGER, ReminderLog.ESCALATE_HR, ReminderLog.DIGEST
BY_HAND = ReminderLog.BY_HAND

DEFAULT_OFFSETS = {BEFORE: -14, ON_DUE: 0, AFTER: 7, MANAGER: 14, HR: 28}
# An escalation that reached some of those it goes to (a team's managers, the HR officers) but not all goes to the
# rest on each run for so many days after it first went (a mailbox full that morning, a server down mid-run); not
# longer, so that whoever becomes a manager or joins HR later is not sent the old ones.
RETRY_DAYS = 7
DIGEST_MAX_PEOPLE = 50  # per list: a manager of a whole directorate gets the first 50 and a count of the rest
# A module taken off the site (unpublished, or past its expiry date) cannot be done: staff see it as not available yet.
# Nobody is reminded of it, nor are their manager or HR told, until it is published again; its status is unchanged.
# A policy off the site is still attested, from the version frozen when it was published, so it is reminded of.
OFF_THE_SITE = Q(requirement__kind=Requirement.COMPLETE_MODULE, requirement__page__live=False)


def offsets() -> dict[str, int]:
    return {**DEFAULT_OFFSETS, **getattr(settings, "PORTAL_REMINDER_OFFSETS", {})}


def _absolute(url_name: str, *args) -> str | None:
    """The full address of a page, or None if the portal has no such page (the reports app's pages are optional
    here: compliance does not depend on them)."""
    try:
        path = reverse(url_name, args=args)
    except NoReverseMatch:
        return None
    return portal_url(path)


def training_url() -> str | None:
    return _absolute("reports:my_training")


@dataclass(frozen=True)
class Message:
    """One email, and the key it is sent once under."""

    stage: str
    staff: StaffMember  # who it is about; the manager themselves for a digest
    requirement: Requirement | None  # None for a digest
    due_on: datetime.date  # the due date it is about; the Monday of the week for a digest
    recipient: str
    subject: str
    body: str
    sent_by: object = None  # the manager's user, for a reminder sent by hand
    days_before: int = 0  # for a reminder before the due date: which of the requirement's reminder days
    context: dict | None = field(default=None, compare=False, repr=False)  # what its text was made from


def before_key(days_before: int) -> str:
    """How a reminder `days_before` the due date is named among the stages sent."""
    return f"{BEFORE}:{days_before}"


def default_reminder_days() -> list[int]:
    return [-offsets()[BEFORE]]


def before_due(due_on: datetime.date, today: datetime.date, reminder_days, sent) -> int | None:
    """Which reminder before the due date is due today, as its days before: the last of `reminder_days` reached
    (the fewest days before, among those at or above the days to go), unless already sent. Earlier ones missed are
    not sent late: one reminder says the same. Pure."""
    to_go = (due_on - today).days
    reached = [d for d in reminder_days if d >= to_go > 0]
    if not reached or before_key(min(reached)) in sent:
        return None
    return min(reached)


def next_stage(
    due_on: datetime.date,
    today: datetime.date,
    sent: dict[str, datetime.date],
    *,
    has_manager: bool,
    reminder_days: list[int] | None = None,
) -> str | None:
    """The one stage due today for a person's requirement with this due date, given the stages already sent
    (stage -> London day it was actually sent: the ladder's gaps are real time for the person to act; a reminder
    before the due date is `before_key(days)`). Pure."""
    days = (today - due_on).days
    offset = offsets()
    if days < 0:
        days_before = before_due(due_on, today, reminder_days or default_reminder_days(), sent)
        return BEFORE if days_before is not None else None
    if days < offset[AFTER]:
        return ON_DUE if ON_DUE not in sent else None
    ladder = [AFTER, MANAGER, HR] if has_manager else [AFTER, HR]
    previous = None
    for stage in ladder:
        if stage not in sent:
            if days < offset[stage]:
                return None
            if previous and (today - sent[previous]).days < offset[stage] - offset[previous]:
                return None
            return stage
        previous = stage
    return None


def _stages_sent(horizon: datetime.date) -> tuple[dict[tuple, dict[str, datetime.date]], dict[tuple, set[str]]]:
    """For the due dates people have now: (staff, requirement, due date) -> {stage: day first sent}, and
    (staff, requirement, due date, stage) -> the addresses it went to, in lower case. One query."""
    current = RequirementStatus.objects.filter(
        staff=OuterRef("staff"), requirement=OuterRef("requirement"), due_on=OuterRef("due_on"), due_on__lte=horizon
    )
    sent, sent_to = defaultdict(dict), defaultdict(set)
    logs = ReminderLog.objects.exclude(stage=DIGEST).filter(Exists(current), sent_at__isnull=False).order_by("sent_at")
    for staff_id, requirement_id, due_on, stage, days_before, sent_at, recipient in logs.values_list(
        "staff_id", "requirement_id", "due_on", "stage", "days_before", "sent_at", "recipient"
    ):
        key = before_key(days_before) if stage == BEFORE else stage
        sent[(staff_id, requirement_id, due_on)].setdefault(key, local_day(sent_at))
        sent_to[(staff_id, requirement_id, due_on, key)].add(recipient.lower())
    return sent, sent_to


def escalations_to_retry(today: datetime.date, sent: dict[str, datetime.date]) -> list[str]:
    """The escalation stages that went less than RETRY_DAYS before `today` (`sent` as `next_stage`'s): each goes
    again to whoever of its recipients it did not reach. Pure."""
    return [stage for stage in (MANAGER, HR) if stage in sent and (today - sent[stage]).days < RETRY_DAYS]


def remindable(today: datetime.date):
    """The status rows anyone may be reminded of, or told about, on `today` (`reminders_due`'s reasons): an active
    requirement, no pause in force, not a module off the site, the person in post with an open account. Asked by the
    run as it reads what is due, and again by `reminder_sending.still_due` as each email goes."""
    return (
        RequirementStatus.objects.filter(requirement__active=True)
        .exclude(RequirementStatus.paused_on_q(today))
        .exclude(OFF_THE_SITE)
        .filter(staff__in=StaffMember.objects.in_post(today))
        .exclude(staff__user__is_active=False)
    )


def reminders_due(today: datetime.date) -> list[Message]:
    """The reminders and escalations to send on `today`: at most one stage per person and requirement.

    Leavers have no projection rows (and are excluded again here, in case the roster has moved on since), and
    nor do people a requirement does not apply to, so neither is ever reminded; nor is anyone while paused, nor a
    future starter before their start date, nor anyone whose account is closed (closed by hand while still on the
    roster: they cannot sign in to do it), nor anyone about a module off the site (`OFF_THE_SITE`), and nobody is
    told about them meanwhile."""
    furthest = max(
        (max(days or [0]) for days in Requirement.objects.filter(active=True).values_list("reminder_days", flat=True)),
        default=0,
    )
    horizon = today + datetime.timedelta(days=max(furthest, -offsets()[BEFORE]))
    rows = (
        remindable(today)
        .filter(due_on__lte=horizon)
        .select_related("staff", "staff__team", "staff__line_manager__user", "requirement", "evidence__snapshot")
        .order_by("due_on", "staff_id", "requirement_id")
    )
    rows = list(rows)
    sent, sent_to = _stages_sent(horizon)
    refused = refusals_read(horizon)
    hr = hr_recipients()
    away = set(staff_away(today).values_list("pk", flat=True))
    # Whom the manager stage goes to matters only from the first day it or HR's could be due: the team managers are
    # read then (one query), not on a day nobody is that far overdue.
    ladder = min(offsets()[MANAGER], offsets()[HR])
    managers = TeamManagers(today) if any((today - row.due_on).days >= ladder for row in rows) else None
    due = []  # (row, a stage to send today, its days before, the context of its text, whom it reached before)
    for row in rows:
        key = (row.staff_id, row.requirement_id, row.due_on)
        refusals = refused.get(key, {})
        # address -> whether refused for good, of the managers passed over as the mail server refused them
        bounced = {}
        for (stage, address), days in refusals.items():
            if stage == MANAGER and (for_good := manager_refused(days)) is not None:
                bounced[address] = for_good
        escalation = managers.escalation(row.staff, away, bounced) if managers is not None else Escalation()
        manager = escalation.managers[0] if escalation.managers else None
        stages_sent = sent.get(key, {})
        undeliverable = None  # the person's address, when their overdue reminder could not be delivered
        undeliverable_for_now = False  # only for now: their mailbox did not take it (full), the address is fine
        no_address = work_email_problem(row.staff.work_email)  # what stops any email reaching them, if anything
        if AFTER not in stages_sent and not no_address:
            given_up = undeliverable_since(refusals.get((AFTER, row.staff.work_email.lower()), Refused()))
            if given_up is not None:
                since, for_good = given_up
                stages_sent, undeliverable = {**stages_sent, AFTER: since}, row.staff.work_email
                undeliverable_for_now = not for_good
        if no_address and AFTER not in stages_sent:
            # No address, or one that is not one: none of their own reminders can go (Django sends nothing to an empty
            # address, which would be logged as sent, and raises for one it cannot read); their manager and HR are
            # told on their days, as if the overdue one had gone on its day
            stages_sent = {**stages_sent, AFTER: row.due_on + datetime.timedelta(days=offsets()[AFTER])}
        reminder_days = row.requirement.reminder_days or default_reminder_days()
        stage = next_stage(row.due_on, today, stages_sent, has_manager=manager is not None, reminder_days=reminder_days)
        if stage in (BEFORE, ON_DUE, AFTER) and no_address:
            stage = None
        stages = [stage] if stage is not None else []
        stages += [again for again in escalations_to_retry(today, stages_sent) if again != stage]
        if not stages:
            continue
        days_before = before_due(row.due_on, today, reminder_days, stages_sent) if stage == BEFORE else 0
        context = {
            "row": row,
            "staff": row.staff,
            "requirement": row.requirement,
            "due_on": row.due_on,
            "today": today,
            "manager": manager,
            "managers": escalation.managers,
            "line_manager": escalation.line_manager,  # the managers told are the line manager, not the team's
            "manager_away": escalation.away,  # passed over only for being away: HR are told who it is
            "manager_refused": escalation.refused,  # passed over as the mail server refused them: HR are told who
            "escalation": escalation,  # its words for those refused, each with what the mail server did
            "refused_for_now_days": REFUSED_FOR_NOW_AFTER,
            "manager_told": MANAGER in stages_sent,
            "undeliverable": undeliverable,  # only ever for the escalations: the person's own stages are past
            "undeliverable_for_now": undeliverable_for_now,  # said as their mailbox not taking email, not the address
            "no_address": no_address,  # never reminded: the manager and HR are told why ("has no work email ...")
            "training_url": training_url(),
            "person_url": _absolute("reports:team_person", row.staff_id),
            "team_url": _absolute("reports:team"),
            **_signature(),
        }
        due += ((row, each, days_before, context, sent_to.get((*key, each), set())) for each in stages)
    # Read for all the rows at once, not row by row: the rounds in force and the policies' versions.
    notices = policy_change_notices([row for row, stage, *_ in due if stage in (BEFORE, ON_DUE, AFTER)])
    messages = []
    for row, stage, days_before, shared, reached in due:
        shared["policy_change"] = notices.get(row.pk)
        if stage == MANAGER:  # each manager told gets their own, addressed to them
            texts = [({**shared, "manager": manager}, [manager.work_email]) for manager in shared["managers"]]
        else:
            texts = [(shared, hr if stage == HR else [row.staff.work_email])]
        for context, addresses in texts:
            recipients = [address for address in addresses if address.lower() not in reached]
            if not recipients:
                continue
            subject = _render(f"email/reminders/{stage}_subject.txt", context)
            body = render_to_string(f"email/reminders/{stage}.txt", context)
            messages += (
                Message(
                    stage,
                    row.staff,
                    row.requirement,
                    row.due_on,
                    recipient,
                    subject,
                    body,
                    days_before=days_before,
                    context=context,
                )
                for recipient in recipients
            )
    return messages


def digests_due(today: datetime.date) -> list[Message]:
    """Each current manager's weekly list of the people in their teams (not themselves) who are overdue, due within
    the due-soon window, or asked to do it again by a re-attestation round (due later: "Due soon" from the day the
    round opened, as on the team page). Nothing for a manager with nobody to follow up, nor for one whose account is
    closed, who is away (`staff_away`) or has no usable work email, or whose address the mail server refused their
    list at for good on UNDELIVERABLE_AFTER days (until the roster gives another, or LIST_TRIED_AGAIN_AFTER has passed
    since the last refusal: `reminder_refusals.list_refused_days`; the escalations about their people
    count their own refusals, and pass them over to HR as `reminders_due` says), nor for one whose list for this week
    (named by its Monday) has gone: the run on Monday sends them, and a later run that week sends those it did not
    (the worker down that day, the mail server too; or nobody to follow up on Monday, and someone since). Two
    queries, however many managers."""
    week_start = today - datetime.timedelta(days=today.weekday())
    window = getattr(settings, "PORTAL_DUE_SOON_DAYS", 30)
    teams_by_manager = defaultdict(list)
    sent = ReminderLog.objects.filter(stage=DIGEST, staff=OuterRef("staff"), due_on=week_start, sent_at__isnull=False)
    managing = (
        TeamManager.objects.current(on=today)
        .filter(staff__in=StaffMember.objects.in_post(today))
        .exclude(staff__user__is_active=False)
        .exclude(staff__in=staff_away(today))
        .exclude(Exists(sent))
        .annotate(list_refused_days=Subquery(list_refused_days(today)))
    )
    for link in managing.select_related("staff", "team"):
        if not work_email_problem(link.staff.work_email) and (link.list_refused_days or 0) < UNDELIVERABLE_AFTER:
            teams_by_manager[link.staff].append(link.team)
    if not teams_by_manager:
        return []
    # One read of the rows of everyone in any manager's teams; each manager's people are then picked out of it (a
    # person in several managers' teams is in each one's list), in the order read: people in name order.
    managed = [team for teams in teams_by_manager.values() for team in teams]
    rows = list(
        RequirementStatus.objects.filter(
            staff__in=StaffMember.objects.in_post(today).in_teams(_topmost(managed)), requirement__active=True
        )
        .filter(Q(due_on__lt=today + datetime.timedelta(days=window)) | Q(renew_from__lte=today))
        .select_related("staff", "requirement")
        .annotate(team_path=F("staff__team__path"))
        .order_by("staff__last_name", "staff__first_name", "staff_id", "due_on", "requirement__name", "requirement_id")
    )
    by_team = defaultdict(list)  # team path -> where its people's rows are in `rows`
    for position, row in enumerate(rows):
        by_team[row.team_path].append(position)
    messages = []
    for manager, teams in teams_by_manager.items():
        # As StaffMember.objects.in_teams(teams): the teams' paths, and the paths of the teams below them, begin so.
        paths = tuple(team.path for team in teams)
        mine = sorted(
            position for path, positions in by_team.items() if path.startswith(paths) for position in positions
        )
        # person -> their rows, people in name order
        overdue, due_soon, again = defaultdict(list), defaultdict(list), defaultdict(list)
        for row in (rows[position] for position in mine if rows[position].staff_id != manager.pk):
            state = row.state(today, window)
            if state == status.OVERDUE:
                overdue[row.staff].append(row)
            elif state in {status.DUE_SOON, status.NOT_STARTED}:
                in_window = row.due_on is not None and (row.due_on - today).days < window
                (due_soon if in_window else again)[row.staff].append(row)
        if not overdue and not due_soon and not again:
            continue
        context = {
            "manager": manager,
            "week_start": week_start,
            "people": len(overdue.keys() | due_soon.keys() | again.keys()),
            "sections": [
                ("Overdue", list(overdue.items())[:DIGEST_MAX_PEOPLE], max(len(overdue) - DIGEST_MAX_PEOPLE, 0)),
                (
                    f"Due in the next {window} days",
                    list(due_soon.items())[:DIGEST_MAX_PEOPLE],
                    max(len(due_soon) - DIGEST_MAX_PEOPLE, 0),
                ),
                (
                    "To do again after a policy change",
                    list(again.items())[:DIGEST_MAX_PEOPLE],
                    max(len(again) - DIGEST_MAX_PEOPLE, 0),
                ),
            ],
            "training_url": training_url(),
            "team_url": _absolute("reports:team"),
            **_signature(),
        }
        messages.append(
            Message(
                DIGEST,
                manager,
                None,
                week_start,
                manager.work_email,
                _render("email/reminders/digest_subject.txt", context),
                render_to_string("email/reminders/digest.txt", context),
            )
        )
    return messages


def _topmost(teams: list) -> list:
    """`teams` without those below another of them: the same people are in them (`StaffMember.objects.in_teams`),
    with fewer conditions to match."""
    topmost = []
    for team in sorted(teams, key=lambda team: team.path):
        if not topmost or not team.path.startswith(topmost[-1].path):
            topmost.append(team)
    return topmost


def messages_due(today: datetime.date) -> list[Message]:
    """Everything to send on `today`, whether or not an earlier run already sent it (`reminder_sending` checks): the
    reminders, and the weekly lists not yet sent this week (`digests_due`)."""
    return reminders_due(today) + digests_due(today)


def reminder_by_hand(staff: StaffMember, *, sent_by, today: datetime.date) -> Message | None:
    """A manager's "remind" for one person: one email listing everything they have overdue, due soon or not yet
    started. None when nothing is outstanding. Sent with `reminder_sending.message_send`, once a day at most."""
    window = getattr(settings, "PORTAL_DUE_SOON_DAYS", 30)
    if staff.start_date > today:
        return None  # not started yet: nothing is asked of them before their first day
    rows = [
        row
        for row in RequirementStatus.objects.filter(staff=staff, requirement__active=True)
        .exclude(OFF_THE_SITE)
        .select_related("requirement")
        .order_by("due_on", "requirement__name")
        if row.state(today, window) in {status.OVERDUE, status.DUE_SOON, status.NOT_STARTED}
    ]
    if not rows or work_email_problem(staff.work_email):
        return None
    context = {
        "staff": staff,
        "rows": [(row, status.LABELS[row.state(today, window)]) for row in rows],
        "sender": getattr(sent_by, "display_name", "") or sent_by.email,
        "training_url": training_url(),
        **_signature(),
    }
    return Message(
        BY_HAND,
        staff,
        None,
        today,
        staff.work_email,
        _render("email/reminders/by_hand_subject.txt", context),
        render_to_string("email/reminders/by_hand.txt", context),
        sent_by=sent_by,
    )


def _render(template: str, context: dict) -> str:
    return " ".join(render_to_string(template, context).split())


def _signature() -> dict:
    return {"service_name": settings.PORTAL_SERVICE_NAME, "organisation_name": settings.PORTAL_ORGANISATION_NAME}
