"""Who hears of someone overdue at the reminders' manager stage: whoever can act on it in the portal.

Who may see a person in the portal is decided by the managers of teams (`TeamManager`: a manager sees their teams and
the teams below them), not by the line manager ESR names, and the two differ (a supervisor on another site, one not
updated after a move). The escalation links to the person's page and the manager's team page, so it goes to:

1. the person's line manager, if they can see the person today (they manage the person's team or a team above it);
2. otherwise the managers of the person's team: of the nearest team at or above it that has a manager today (other
   than the person themselves), the managers who see the person on their team page;
3. of those, whoever has left, whose account is closed, who has no usable work email, whose address the mail server
   has refused (this escalation for good on `reminders.UNDELIVERABLE_AFTER` days, or for now, a full mailbox, on
   `reminders.REFUSED_FOR_NOW_AFTER`) or who is away
   (`reminder_recipients.staff_away`) is passed over, and if nobody is left the escalation goes to HR, as it always
   has for a line manager who has left or is away (HR are told of the one away, and of those refused).
"""

import datetime
from collections import defaultdict
from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from portal.people.emails import work_email_problem
from portal.people.models import StaffMember, Team, TeamManager

from .reminder_refusals import REFUSED_FOR_NOW_AFTER


@dataclass(frozen=True)
class Escalation:
    """Whom the manager stage goes to: `managers` (none: HR instead); `away`, the one passed over for being away when
    nobody else was left; `line_manager`, whether they are the person's line manager (else their team's managers);
    `refused`, those passed over because the mail server refused their address; `refused_for_now`, those of them
    refused only for now (a full mailbox), not for good. The words of HR's email about the refused are here, so the
    email about one person and HR's list of several say the same."""

    managers: list[StaffMember] = field(default_factory=list)
    away: StaffMember | None = None
    line_manager: bool = True
    refused: list[StaffMember] = field(default_factory=list)
    refused_for_now: list[StaffMember] = field(default_factory=list)

    @property
    def refused_for_good(self) -> list[StaffMember]:
        return [manager for manager in self.refused if manager not in self.refused_for_now]

    def refused_described(self) -> str:
        """Each manager refused, named with their address and what the mail server did, those refused for good
        first: "Grace Okafor (grace@...): the mail server refused this address; Ali Khan (ali@...): the mail server
        did not take email for this address on any of the 5 days we tried (...), so the escalation did not reach
        them"."""
        parts = []
        if self.refused_for_good:
            parts.append(
                f"{_with_addresses(self.refused_for_good)}: the mail server refused {_these(self.refused_for_good)}"
            )
        if self.refused_for_now:
            parts.append(
                f"{_with_addresses(self.refused_for_now)}: the mail server did not take email for "
                f"{_these(self.refused_for_now)} on any of the {REFUSED_FOR_NOW_AFTER} days we tried (it said to "
                "try later: a full mailbox, say)"
            )
        return "; ".join(parts) + ", so the escalation did not reach them"

    def refused_why(self) -> str:
        """Why the refused could not be told, in a few words for HR."""
        for_good, for_now = self.refused_for_good, self.refused_for_now
        if for_good and for_now:
            return (
                f"the mail server refused {_of('address', for_good)} each time we tried, and "
                f"{_of('mailbox', for_now)} did not take our email on any of the {REFUSED_FOR_NOW_AFTER} days we tried"
            )
        if for_now:
            mailboxes = "mailboxes" if len(for_now) > 1 else "mailbox"
            return f"their {mailboxes} did not take our email on any of the {REFUSED_FOR_NOW_AFTER} days we tried"
        return f"the mail server refused their address{'es' if len(for_good) > 1 else ''} each time we tried"

    def refused_asked(self) -> str:
        """What HR are asked to do about the refused: mend an address refused for good in ESR, tell a manager whose
        mailbox is full that it is not taking email, and, when no other manager was told, tell them of the person
        themselves."""
        for_good, for_now = self.refused_for_good, self.refused_for_now
        yourself = not self.managers  # nobody else was told: HR tell them
        if for_good and for_now:
            both = "them both" if len(self.refused) == 2 else "each of them"
            return (
                f"Please check {_of('address', for_good)} in ESR, {f'tell {both} yourself, ' if yourself else ''}and "
                f"tell {_names(for_now)} that their mailbox is not taking email"
            )
        if for_now:
            return f"Please tell them{' yourself, and' if yourself else ''} that their mailbox is not taking email"
        check = f"Please check {'them' if len(for_good) > 1 else 'it'} in ESR"
        return f"{check}, and tell them yourself" if yourself else check

    @property
    def refused_names(self) -> str:
        return _names(self.refused)

    @property
    def named(self) -> int:
        """How many managers HR's email names: those told, the one away, those refused."""
        return len(self.managers) + (self.away is not None) + len(self.refused)


class TeamManagers:
    """The managers of teams on `today`, read once: one query, whatever the number of people escalated."""

    def __init__(self, today: datetime.date):
        self.today = today
        self._by_path: dict[str, list[StaffMember]] = defaultdict(list)
        self._paths_of: dict[int, list[str]] = defaultdict(list)
        links = (
            TeamManager.objects.current(on=today)
            .select_related("staff__user", "team")
            .order_by("staff__last_name", "staff__first_name", "staff_id")
        )
        for link in links:
            self._by_path[link.team.path].append(link.staff)
            self._paths_of[link.staff_id].append(link.team.path)

    def see(self, manager: StaffMember, staff: StaffMember) -> bool:
        """Whether `manager` manages `staff`'s team or a team above it today, and so has them on their team page."""
        return staff.team is not None and staff.team.path.startswith(tuple(self._paths_of.get(manager.pk, ())))

    def of_team(self, staff: StaffMember) -> list[StaffMember]:
        """The managers of the nearest team at or above `staff`'s that has any today, the person left out."""
        path = staff.team.path if staff.team is not None else ""
        for end in range(len(path), 0, -Team.steplen):
            managers = [manager for manager in self._by_path.get(path[:end], []) if manager.pk != staff.pk]
            if managers:
                return managers
        return []

    def escalation(
        self, staff: StaffMember, away: Container[int] = (), refused: Mapping[str, bool] = MappingProxyType({})
    ) -> Escalation:
        """Whom the manager stage about `staff` goes to (this module's docstring); `away`, the ids of the people away;
        `refused`, the addresses (in lower case) the mail server refused at so that they are passed over, each with
        whether it was for good. Reads nothing more."""
        line = staff.line_manager
        sees = line is not None and line.pk != staff.pk and self.see(line, staff)
        reachable = [manager for manager in ([line] if sees else self.of_team(staff)) if self.reachable(manager)]
        bounced = [manager for manager in reachable if manager.work_email.lower() in refused]
        reachable = [manager for manager in reachable if manager not in bounced]
        for_now = [manager for manager in bounced if not refused[manager.work_email.lower()]]
        here = [manager for manager in reachable if manager.pk not in away]
        if here:
            return Escalation(here, None, sees, bounced, for_now)
        return Escalation([], reachable[0] if reachable else None, sees, bounced, for_now)

    def reachable(self, manager: StaffMember) -> bool:
        """Someone an escalation can reach: not left, their account open (they can sign in to see the person), with
        a work email that is an address (`work_email_problem`)."""
        closed = manager.user is not None and not manager.user.is_active
        return not manager.has_left(self.today) and not closed and not work_email_problem(manager.work_email)


def _names(people: list[StaffMember]) -> str:
    names = [person.full_name for person in people]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _of(thing: str, people: list[StaffMember]) -> str:
    """ "the address of Grace Okafor", "the addresses of Grace Okafor and Bo Li"."""
    return f"the {thing}{'es' if len(people) > 1 else ''} of {_names(people)}"


def _with_addresses(people: list[StaffMember]) -> str:
    return ", ".join(f"{person.full_name} ({person.work_email})" for person in people)


def _these(people: list[StaffMember]) -> str:
    return "these addresses" if len(people) > 1 else "this address"
