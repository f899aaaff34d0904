"""The team page about a past day, counted in SQL or judged only for the people it lists (`reports.team_listed`), shows
what judging everyone shows (`reports.team.team_matrix`, cut to the lists' length) on a small organisation with a
random history (a fixed seed): people with the same name and names differing by case and accent, starters, leavers
and movers on the days read, completions recorded late, pauses, a team renamed and moved, a requirement retired and
one introduced, a person renamed. Several days, both clocks, every scope, listing 1 to 1,000, each state and a
requirement; and on the same history, the page says what its CSV (and, as it was, an evidence pack's rows) and the
organisation report say about the same team, day and clock."""

import collections
import contextlib
import copy
import datetime
import random

import pytest
from django.utils import timezone
from freezegun import freeze_time

from portal.compliance import pauses
from portal.compliance.asat import Moment
from portal.compliance.models import Requirement
from portal.compliance.organisation import team_move, team_rename
from portal.compliance.pauses import PauseError, pause_add
from portal.compliance.projection import refresh
from portal.compliance.services import requirement_retire
from portal.people.history import staff_changes_record
from portal.people.models import Team
from portal.people.roles import hr_group
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from portal.reports.exports import EMPLOYMENT, export_rows, export_rows_known
from portal.reports.organisation import organisation_report
from portal.reports.team import team_matrix
from portal.reports.team_listed import team_matrix_listed
from tests import factories
from tests.reports.test_team_listed import STATES

SEED = 20261206
ONE = datetime.timedelta(days=1)
NAMES = [("Ann", "Adams"), ("Ann", "Adams"), ("ann", "adams"), ("Éva", "Ólafsson"), ("Eva", "Olafsson")]
NAMES += [("Bo", "Baker"), ("Bo", "baker"), ("Zoë", "Zulu"), ("Dai", "de Souza"), ("Dai", "De Souza")]
GROUPS = ["Nursing", "Administrative and Clerical", "Students"]

# The day each test runs, the organisation as first loaded (90 days before it) and the past days read: read as the test
# begins (_read_the_day), before `build` freezes and moves the clock. Read when the file was imported, a run going past
# midnight used yesterday's.
TODAY = FIRST = DAYS = None


@pytest.fixture(autouse=True)
def _read_the_day():
    global TODAY, FIRST, DAYS
    TODAY = timezone.localdate()
    FIRST = TODAY - 90 * ONE
    DAYS = [TODAY - n * ONE for n in (40, 25, 12, 3)]


def _noon(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _near(rng: random.Random) -> datetime.date:
    """A day on or beside one of the days read, or anywhere since the organisation was loaded."""
    if rng.random() < 0.6:
        return rng.choice(DAYS) + rng.choice((-1, 0, 0, 1)) * ONE
    return FIRST + rng.randrange((TODAY - FIRST).days) * ONE


def build(rng: random.Random) -> dict:
    """The organisation loaded on FIRST, then its history as it was recorded, in order of recording."""
    with freeze_time(_noon(FIRST)) as clock:
        trust = factories.make_team("Trust", kind="organisation")
        medicine = factories.make_team("Medicine", parent=trust)
        ward = factories.make_team("Ward 1", parent=medicine)
        night = factories.make_team("Night", parent=ward, kind="sub_team")
        surgery = factories.make_team("Surgery", parent=trust)
        teams = [trust, medicine, ward, night, surgery]
        everyone = factories.make_requirement(name="Fire Safety", new_starter_days=rng.choice((7, 28)))
        nurses = factories.make_requirement(
            name="Blood Transfusion", applies_to_everyone=False, staff_groups=["Nursing"], new_starter_days=60
        )
        workers = factories.make_requirement(
            name="Safeguarding", applies_to_everyone=False, staff_groups=GROUPS[:2], renewal_months=1
        )
        later = factories.make_requirement(name="Later Course", introduced_on=rng.choice(DAYS))
        requirements = [everyone, nurses, workers, later]
        people = []
        for first, last in NAMES + NAMES[: rng.randrange(4)]:
            start = FIRST - 400 * ONE if rng.random() < 0.6 else _near(rng)
            leave = _near(rng) if rng.random() < 0.25 else None
            if leave is not None and leave < start:
                start, leave = leave, start
            people.append(
                factories.make_staff(
                    team=rng.choice(teams[1:]),
                    first_name=first,
                    last_name=last,
                    staff_group=rng.choice(GROUPS),
                    start_date=start,
                    leave_date=leave,
                )
            )
        refresh()
        hr = factories.make_user(first_name="Hana")
        hr.groups.add(hr_group())
        events = []
        for _ in range(40):
            done = _near(rng)
            events.append((_noon(done, rng.choice((0, 12, 23))) + rng.choice((0, 0, 5)) * ONE, "done", done))
        for _ in range(6):
            events.append((_noon(_near(rng), 9), "pause", None))
        for _ in range(6):
            events.append((_noon(_near(rng), 10), "move", None))
        events.append((_noon(rng.choice(DAYS), 8), "rename", None))
        events.append((_noon(rng.choice(DAYS), 11), "identity", None))
        events.append((_noon(rng.choice(DAYS), 8), "team_move", None))
        events.append((_noon(rng.choice(DAYS) + ONE, 7), "retire", None))
        events.sort(key=lambda event: event[0])
        for at, kind, day in events:
            clock.move_to(at)
            who = rng.choice(people)
            who.refresh_from_db()
            if kind == "done":
                completed = min(_noon(day, rng.choice((0, 12, 23))), timezone.now())
                factories.make_completion(who, rng.choice(requirements[:3]), completed_at=completed)
            elif kind == "pause":
                first_day = _near(rng)
                last_day = first_day + rng.randrange(20) * ONE if rng.random() < 0.7 else None
                with contextlib.suppress(PauseError):  # not required of them now, or overlapping: nothing recorded
                    pause_add(
                        staff=who,
                        requirements=[rng.choice(requirements[:3])],
                        reason_code=pauses.MATERNITY,
                        first_day=first_day,
                        last_day=last_day,
                        user=hr,
                    )
            elif kind == "move":
                who.team = rng.choice(teams[1:])
                who.save()
                staff_changes_record([who], effective=min(_near(rng), timezone.localdate()))
                refresh(staff_ids=[who.pk])
            elif kind == "identity":  # renamed and renumbered by the roster
                who.first_name, who.employee_number = "Renamed", f"R{who.employee_number}"
                who.save()
                staff_changes_record([who])
            elif kind == "rename":
                team_rename(team=night, name="Night Shift", code="NS1", user=hr)
            elif kind == "team_move":
                team_move(team=Team.objects.get(pk=ward.pk), parent=Team.objects.get(pk=surgery.pk), user=hr)
            else:
                requirement_retire(requirement=requirements[2], user=hr, reason="Replaced")
    refresh()
    return {"teams": [Team.objects.get(pk=t.pk) for t in teams], "requirements": requirements}


def _differences(scope, moment, basis, requirement, state) -> list:
    """The listing lengths at which the counted page differs from the whole matrix cut to them."""
    whole = team_matrix(scope, moment, requirement=requirement, state=state, basis=basis)
    found = []
    for listed in (1, 3, 1000):
        cut = copy.copy(whole)
        cut.cut(listed)
        counted = team_matrix_listed(scope, moment, listed=listed, requirement=requirement, state=state, basis=basis)
        if counted != cut:
            found.append(listed)
    return found


def test_the_counted_page_about_past_days_is_judging_everyone(db):
    """Each day on each clock: the whole organisation with no filter, and two scopes, states and requirements drawn
    at random."""
    rng = random.Random(SEED)
    found = build(rng)
    teams, requirements = found["teams"], found["requirements"]
    # The history holds what it is drawn for: the ward moved under Surgery, the night shift renamed, one retired.
    assert teams[2].get_parent().pk == teams[4].pk and teams[3].name == "Night Shift"
    assert not Requirement.objects.get(pk=requirements[2].pk).active
    scopes = [[teams[0]], [teams[1]], [teams[2]], [teams[3]], [teams[2], teams[4]]]
    wrong, read = [], 0
    for day in DAYS:
        moment = Moment.end_of(day)
        for basis in (AS_IT_WAS, AS_RECORDED):
            in_force = team_matrix([teams[0]], moment, basis=basis).requirements  # a filter may name only these
            asked = [([teams[0]], "", None)]
            asked += [(rng.choice(scopes), rng.choice(STATES), rng.choice([None, *in_force])) for _ in range(2)]
            for scope, state, requirement in asked:
                listed = _differences(scope, moment, basis, requirement, state)
                read += 1
                if listed:
                    wrong.append((day, basis, [t.name for t in scope], state, requirement, listed))
    assert wrong == []
    assert read == len(DAYS) * 2 * 3


def _page_rows(matrix) -> collections.Counter:
    """What the page says of each required cell, as an export row says it."""
    return collections.Counter(
        (
            p.full_name,
            p.employee_number,
            p.team_name,
            EMPLOYMENT[p.employment.lower() or "substantive"],
            c.requirement.name,
            c.label,
        )
        for p, cells in matrix.people
        for c in cells
        if c.required
    )


def _file_rows(rows) -> collections.Counter:
    return collections.Counter(
        (r.name, r.employee_number, r.team, r.employment_type, r.requirement, r.status) for r in rows
    )


def test_the_page_about_past_days_says_what_its_downloads_and_the_organisation_report_say(db):
    teams = build(random.Random(SEED))["teams"]
    wrong = []
    for day in DAYS:
        moment = Moment.end_of(day)
        for basis in (AS_IT_WAS, AS_RECORDED):
            for scope in ([teams[0]], [teams[2]]):
                page = team_matrix_listed(scope, moment, listed=1000, basis=basis)
                files = [export_rows(scope, moment, basis=basis)]
                if basis == AS_IT_WAS:
                    files.append(export_rows_known(scope, Moment(day, timezone.now())))
                wrong += [(day, basis, "file") for rows in files if _file_rows(rows) != _page_rows(page)]
                report = organisation_report(scope[0], as_at=day, today=TODAY, basis=basis)
                figures = {line.requirement.pk: line.figure for line in page.figures}
                wrong += [(day, basis, "report")] * (report.totals != figures)
    assert wrong == []
