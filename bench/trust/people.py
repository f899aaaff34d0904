"""The staff: who they are, their teams and line managers, and their roster history (StaffChange rows)."""

import datetime
import random

from .clock import Clock
from .shape import FIRST_NAMES, LAST_NAMES, MANAGER_TITLES, MIX, STAFF_GROUPS
from .teams import BenchTeam

MOVERS = 0.15
LEAVERS = 0.08


class BenchPerson:
    __slots__ = (
        "email",
        "employment",
        "first",
        "group",
        "id",
        "last",
        "leave",
        "manager",
        "number",
        "start",
        "team",
        "title",
    )

    def fields(self) -> dict:
        return {
            "id": self.id,
            "employee_number": self.number,
            "first_name": self.first,
            "last_name": self.last,
            "work_email": self.email,
            "job_title": self.title,
            "staff_group": self.group,
            "team_id": self.team.id,
            "line_manager_id": self.manager.id if self.manager else None,
            "start_date": datetime.date.fromordinal(self.start),
            "leave_date": datetime.date.fromordinal(self.leave) if self.leave else None,
            "employment_type": self.employment,
        }


def make_people(rng: random.Random, staff: int, teams: list[BenchTeam], clock: Clock) -> list[BenchPerson]:
    """Staff in every team (a few in the trust's and directorates' own offices; 5-60 in teams and sub-teams), each
    team's manager chosen from its current staff, line managers from the team (managers report up the tree)."""
    sizes = []
    for team in teams:
        if team.kind in ("organisation", "directorate"):
            sizes.append(rng.randint(3, 6))
        elif team.children:
            sizes.append(rng.triangular(3, 15, 5))
        else:
            sizes.append(rng.triangular(5, 56, 18))
    total = sum(sizes)
    scaled = [s * staff / total for s in sizes] if total else sizes
    counts = [int(s) for s in scaled]
    for index in sorted(range(len(teams)), key=lambda i: counts[i] - scaled[i])[: staff - sum(counts)]:
        counts[index] += 1
    numbers = sorted(rng.sample(range(10_000_000, 40_000_000), staff))
    emails = set()
    people = []
    for team, count in zip(teams, counts, strict=True):
        groups, weights = zip(*MIX[team.mix].items(), strict=True)
        for _ in range(count):
            person = BenchPerson()
            person.id = len(people) + 1
            person.first, person.last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            base = f"{person.first}.{person.last}".lower().replace("'", "")
            email, n = f"{base}@nhs.net", 1
            while email in emails:
                n += 1
                email = f"{base}{n}@nhs.net"
            emails.add(email)
            person.email = email
            person.group = rng.choices(groups, weights)[0]
            person.title = rng.choice(STAFF_GROUPS[person.group])
            person.team = team
            person.employment = rng.choices(["substantive", "bank", "agency"], [85, 10, 5])[0]
            if rng.random() < 0.10:
                person.start = clock.today - rng.randrange(0, 365)
            else:
                person.start = clock.today - 365 - int(rng.betavariate(1.3, 2.2) * 14 * 365)
            person.leave = None
            person.manager = None
            team.members.append(person)
            people.append(person)
    # ESR numbers go up with hire date.
    for person, number in zip(sorted(people, key=lambda p: (p.start, p.id)), numbers, strict=True):
        person.number = str(number)
    # Leavers: most left in the window, some are working their notice (a leave date in the next 90 days).
    candidates = [p for p in people if p.start < clock.today - 90]
    for person in rng.sample(candidates, min(len(candidates), round(staff * LEAVERS))):
        if rng.random() < 0.1:
            person.leave = clock.today + rng.randint(7, 90)
        else:
            person.leave = rng.randint(max(person.start + 30, clock.window + 1), clock.today - 1)
    for team in teams:
        current = [p for p in team.members if p.leave is None] or team.members
        current.sort(key=lambda p: (p.employment != "substantive", p.start))
        team.manager = current[0] if team.members else None
        if team.manager is None:  # only when a team got no staff at all (tiny organisations)
            team.manager = rng.choice(people)
        elif team.kind == "organisation":
            team.manager.title = "Chief Executive"
        elif team.kind == "directorate":
            team.manager.title = "Director of Operations"
        else:
            team.manager.title = MANAGER_TITLES[team.manager.group]
    for person in people:
        manager = person.team.manager
        if manager is person:
            parent = person.team.parent
            person.manager = parent.manager if parent else None
        elif person.employment == "agency" or (person.employment == "bank" and rng.random() < 0.5):
            person.manager = None
        else:
            person.manager = manager
    return people


def roster_history(rng: random.Random, people: list[BenchPerson], teams: list[BenchTeam], clock: Clock) -> list[dict]:
    """StaffChange rows: each person as first seen (their start, or the window's start), a team move for ~15% in
    the window, and the leave date when it was recorded (on the day for past leavers, on giving notice otherwise).
    The last row of each person equals their StaffMember row."""
    rows = []
    placeable = [t for t in teams if t.kind in ("team", "sub_team")] or teams
    for person in people:
        current = {
            "staff_id": person.id,
            "team_id": person.team.id,
            "staff_group": person.group,
            "line_manager_id": person.manager.id if person.manager else None,
            "start_date": datetime.date.fromordinal(person.start),
            "leave_date": None,
            "employment_type": person.employment,
        }
        first_day = max(person.start, clock.window)
        first_at = min(clock.at(first_day, 8 * 60 + rng.randrange(90)), clock.now_ts - 60)
        notice = None
        if person.leave:
            notice = person.leave if person.leave < clock.today else clock.today - rng.randint(0, 30)
            notice = max(notice, first_day + 2)
        last_day = notice if notice else clock.today
        if rng.random() < MOVERS and last_day - first_day > 2 and len(placeable) > 1:
            old = rng.choice(placeable)
            while old is person.team:
                old = rng.choice(placeable)
            old_manager = old.manager if old.manager is not person else None
            rows.append(
                dict(current, recorded_at=clock.aware(first_at), team_id=old.id, line_manager_id=_id(old_manager))
            )
            move_day = rng.randint(first_day + 1, last_day - 1)
            rows.append(dict(current, recorded_at=clock.aware(clock.at(move_day, 9 * 60 + rng.randrange(480)))))
        else:
            rows.append(dict(current, recorded_at=clock.aware(first_at)))
        if person.leave:
            leave_at = clock.at(notice, 17 * 60 + rng.randrange(60))
            leave_at = min(max(leave_at, int(rows[-1]["recorded_at"].timestamp()) + 60), clock.now_ts - 30)
            rows.append(
                dict(current, recorded_at=clock.aware(leave_at), leave_date=datetime.date.fromordinal(person.leave))
            )
    return rows


def _id(obj):
    return obj.id if obj else None
