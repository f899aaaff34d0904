"""Build a realistic NHS trust for benchmarks: teams, staff, roster history, requirements, evidence ledger, projection.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_org .venv/bin/python bench/orgscale.py --staff 10000

Other scripts, after django_setup(): `from orgscale import build; counts = build(staff=10_000, seed=1)`.
It first WIPES staff, teams, requirements, the ledger and every table referencing them: use a scratch database.
10,000 staff over 3 years: 400 teams in 4 levels, ~250,000 ledger rows, about 50s on PostgreSQL.
"""

import argparse
import datetime
import random
import resource
import time

from _setup import django_setup

STAFF_GROUPS = {
    "Nursing and Midwifery Registered": [
        "Staff Nurse",
        "Staff Nurse",
        "Senior Staff Nurse",
        "Deputy Ward Manager",
        "Clinical Nurse Specialist",
        "Midwife",
        "Community Nurse",
        "Advanced Nurse Practitioner",
    ],
    "Additional Clinical Services": [
        "Healthcare Assistant",
        "Healthcare Assistant",
        "Clinical Support Worker",
        "Nursing Associate",
        "Maternity Support Worker",
        "Phlebotomist",
        "Therapy Assistant",
    ],
    "Administrative and Clerical": [
        "Ward Clerk",
        "Medical Secretary",
        "Administrator",
        "Receptionist",
        "Finance Officer",
        "HR Advisor",
        "Project Manager",
        "Data Analyst",
    ],
    "Allied Health Professionals": [
        "Physiotherapist",
        "Occupational Therapist",
        "Diagnostic Radiographer",
        "Speech and Language Therapist",
        "Dietitian",
        "Podiatrist",
        "Operating Department Practitioner",
    ],
    "Medical and Dental": [
        "Consultant",
        "Specialty Registrar",
        "Specialty Doctor",
        "Foundation Year 1 Doctor",
        "Foundation Year 2 Doctor",
        "Core Trainee",
    ],
    "Estates and Ancillary": [
        "Porter",
        "Domestic Assistant",
        "Catering Assistant",
        "Housekeeper",
        "Maintenance Technician",
        "Electrician",
        "Security Officer",
    ],
}
NURSING, CLINICAL_SUPPORT, ADMIN, AHP, MEDICAL, ESTATES = STAFF_GROUPS
CLINICAL = [NURSING, CLINICAL_SUPPORT, AHP, MEDICAL]
NON_CLINICAL = [ADMIN, ESTATES]
# Relative weights of the staff groups in a team, by the kind of directorate it sits in.
MIX = {
    "clinical": {NURSING: 38, CLINICAL_SUPPORT: 27, MEDICAL: 14, ADMIN: 12, AHP: 7, ESTATES: 2},
    "support": {AHP: 35, ADMIN: 25, CLINICAL_SUPPORT: 20, NURSING: 8, MEDICAL: 7, ESTATES: 5},
    "estates": {ESTATES: 80, ADMIN: 15, CLINICAL_SUPPORT: 5},
    "corporate": {ADMIN: 88, NURSING: 4, ESTATES: 4, AHP: 2, MEDICAL: 2},
    "board": {ADMIN: 70, NURSING: 10, MEDICAL: 10, AHP: 5, ESTATES: 5},
}
MANAGER_TITLES = {
    NURSING: "Ward Manager",
    CLINICAL_SUPPORT: "Team Leader",
    ADMIN: "Office Manager",
    AHP: "Clinical Lead",
    MEDICAL: "Clinical Director",
    ESTATES: "Supervisor",
}
DIRECTORATES = [  # name, kind of work, relative number of teams, team names
    (
        "Medicine",
        "clinical",
        3,
        "Acute Medical Unit, Cardiology, Respiratory Medicine, Gastroenterology, Care of the Elderly, Stroke Unit, "
        "Diabetes and Endocrinology, Renal Medicine, Neurology, Dermatology, Rheumatology, Haematology, Oncology, "
        "Endoscopy",
    ),
    (
        "Surgery",
        "clinical",
        3,
        "General Surgery, Trauma and Orthopaedics, Urology, Ear Nose and Throat, Ophthalmology, Vascular Surgery, "
        "Anaesthetics, Theatres, Critical Care, Day Surgery Unit, Pre-operative Assessment, Breast Surgery, "
        "Plastic Surgery, Pain Management",
    ),
    (
        "Urgent and Emergency Care",
        "clinical",
        2,
        "Emergency Department, Urgent Treatment Centre, Same Day Emergency Care, Clinical Decision Unit, Patient Flow, "
        "Discharge Lounge, Ambulatory Care, Paediatric Emergency Department, Frailty Assessment Unit, "
        "Minor Injuries Unit",
    ),
    (
        "Women's and Children's",
        "clinical",
        2,
        "Delivery Suite, Antenatal Clinic, Postnatal Ward, Neonatal Unit, Paediatric Ward, Gynaecology, "
        "Community Midwifery, Children's Outpatients, Early Pregnancy Unit, Fertility Services, Health Visiting, "
        "Birth Centre",
    ),
    (
        "Community Services",
        "clinical",
        2,
        "District Nursing, Intermediate Care, Community Therapy, Podiatry, Speech and Language Therapy, "
        "Tissue Viability, Continence Service, Palliative Care, Community Dental, Sexual Health, "
        "Heart Failure Nursing, Community Respiratory Team",
    ),
    (
        "Clinical Support Services",
        "support",
        2,
        "Radiology, Pathology, Pharmacy, Physiotherapy, Occupational Therapy, Dietetics, Outpatients, "
        "Medical Records, Audiology, Cardiac Physiology, Mortuary, Sterile Services",
    ),
    (
        "Estates and Facilities",
        "estates",
        1,
        "Portering, Domestic Services, Catering, Maintenance, Security, Car Parking and Transport, Linen Services, "
        "Waste Management, Capital Projects, Energy and Sustainability",
    ),
    (
        "Corporate Services",
        "corporate",
        1,
        "Finance, Human Resources, Information Governance, Digital Services, Procurement, Communications, "
        "Governance and Risk, Learning and Development, Payroll, Patient Experience, Performance and Information, "
        "Occupational Health",
    ),
]
SUB_TEAMS = {
    "clinical": ["Ward A", "Ward B", "Outpatient Clinic", "Day Unit", "Specialist Nurses", "Night Team", "Admin"],
    "support": ["Inpatients", "Outpatients", "Laboratory", "Community", "Out of Hours", "Admin"],
    "estates": ["Day Shift", "Night Shift", "Weekend Team", "Helpdesk", "Supervisors"],
    "corporate": ["Operations", "Business Partners", "Transactional", "Systems", "Projects"],
}
FIRST_NAMES = (  # noqa: SIM905 (a list of names reads better as words)
    "Olivia Amelia Isla Ava Mia Sophia Grace Lily Emily Ella Jessica Sarah Rachel Laura Emma Hannah Charlotte "
    "Lucy Rebecca Katie Chloe Megan Amy Gemma Nicola Claire Helen Karen Susan Julie Joanne Michelle Priya Aisha "
    "Fatima Anjali Deepa Mary Chinwe Ngozi Funmilayo Maria Ana Joanna Agnieszka Oliver George Harry Jack "
    "Jacob Noah Charlie Thomas James William Daniel Matthew David Michael Paul Mark Andrew Richard Peter Stephen "
    "Christopher Robert John Ian Gary Mohammed Ahmed Ali Omar Imran Raj Sanjay Arjun Rohan Chukwuemeka Oluwaseun "
    "Kwame Tomasz Piotr Jose Luis Marco"
).split()
LAST_NAMES = (  # noqa: SIM905 (a list of names reads better as words)
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker "
    "White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris "
    "Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett "
    "Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards "
    "Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray "
    "Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker "
    "Fisher Stevens Jenkins Murray Dixon Harvey Ahmed Okafor Adeyemi Mensah Nowak Kowalski Fernandes Santos Nair "
    "Sharma Gupta Chen Wong Nguyen O'Brien McDonald Fraser Reid"
).split()
REQUIREMENTS = [
    # name, renewal months, staff groups (None: everyone)
    ("Safeguarding Adults Level 1", 36, None),
    ("Safeguarding Children Level 2", 36, CLINICAL),
    ("Information Governance and Data Security", 12, None),
    ("Fire Safety", 12, None),
    ("Equality, Diversity and Human Rights", 36, None),
    ("Health, Safety and Welfare", 36, None),
    ("Infection Prevention and Control Level 1", 12, None),
    ("Moving and Handling Level 1", 24, None),
    ("Conflict Resolution", 36, None),
    ("Preventing Radicalisation", 36, None),
    ("Resuscitation Level 1", 12, NON_CLINICAL),
    ("Social Media and Digital Content Policy attestation", 12, None),
]
VOID_REASONS = [
    "Imported against the wrong person: the national record had a mistyped assignment number.",
    "Duplicate of a completion already recorded under another competence name.",
    "Wrong achievement date in the national record.",
    "Course provider withdrew the completion after an assessment audit.",
    "Recorded for the wrong course level.",
]
NEVER_COMPLETED = 0.05  # share of (person, requirement) pairs with no completion at all
LAPSE = 0.03  # chance, after each completion, that the person stops renewing
VOIDED = 0.01  # share of imported completions voided by a later correction
MOVERS = 0.15
LEAVERS = 0.08
INSERT_BATCH = 5000


def build(staff: int, seed: int = 1, years: int = 3) -> dict:
    """Wipe the bench tables and build an organisation of `staff` people with `years` years of evidence.
    Returns counts (teams, staff, requirements, ledger_rows, staff_changes); prints the time of each phase."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from portal.compliance import projection
    from portal.compliance.db import drop_ledger_triggers, install_ledger_triggers
    from portal.compliance.models import EvidenceEntry, Requirement, RequirementStatus
    from portal.people.models import StaffChange, StaffMember, Team, TeamManager

    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    clock = _Clock(now, years)
    started = time.perf_counter()

    def phase(name):
        nonlocal started
        print(f"  {name}: {time.perf_counter() - started:.1f}s", flush=True)
        started = time.perf_counter()

    # One transaction: on any failure PostgreSQL and SQLite roll back the trigger drop with everything else.
    with transaction.atomic():
        drop_ledger_triggers(connection)
        wiped = _wipe(connection)
        if wiped:
            print(f"  also wiped (they reference the bench tables): {', '.join(wiped)}")
        phase("wipe")
        teams = _teams(rng, staff)
        Team.objects.bulk_create([Team(**t.fields()) for t in teams], batch_size=1000)
        phase("teams")
        people = _people(rng, staff, teams, clock)
        StaffMember.objects.bulk_create([StaffMember(**p.fields()) for p in people], batch_size=2000)
        TeamManager.objects.bulk_create([TeamManager(team_id=t.id, staff_id=t.manager.id) for t in teams])
        changes = _history(rng, people, teams, clock)
        StaffChange.objects.bulk_create([StaffChange(id=n, **c) for n, c in enumerate(changes, 1)], batch_size=2000)
        phase("staff and roster history")
        requirements = [
            Requirement(
                id=n,
                name=name,
                kind=Requirement.EXTERNAL_COURSE,
                renewal_months=months,
                applies_to_everyone=groups is None,
                staff_groups=groups or [],
                new_starter_days=28,
                # In force since the history begins: reports and packs as at a past date count them.
                introduced_on=datetime.date.fromordinal(clock.window),
            )
            for n, (name, months, groups) in enumerate(REQUIREMENTS, 1)
        ]
        Requirement.objects.bulk_create(requirements)
        facts = _evidence(rng, people, clock)
        phase("evidence generated")
        ledger_rows = _write_ledger(facts, clock)
        del facts
        with connection.cursor() as cursor:
            models = [Team, StaffMember, TeamManager, StaffChange, Requirement, EvidenceEntry]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        install_ledger_triggers(connection)
        phase("ledger written")
    projection.refresh()
    phase("status projection")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics, as a live database would have
        phase("analyze")
    return {
        "teams": len(teams),
        "staff": len(people),
        "requirements": len(requirements),
        "ledger_rows": ledger_rows,
        "staff_changes": len(changes),
        "statuses": RequirementStatus.objects.count(),
    }


class _Clock:
    """Today and the window, as day ordinals and epoch seconds; Europe/London wall times to aware datetimes."""

    def __init__(self, now, years):
        from django.utils import timezone

        self.now = now
        self.now_ts = int(now.timestamp())
        self.today = timezone.localdate(now).toordinal()
        self.window = self.today - round(years * 365.25)  # the roster history starts here
        self._cache = {}

    def at(self, day: int, minutes: int) -> int:
        """Epoch seconds of `minutes` past local midnight on day ordinal `day`."""
        key = (day, minutes)
        if key not in self._cache:
            from django.utils import timezone

            wall = datetime.datetime.combine(datetime.date.fromordinal(day), datetime.time(minutes // 60, minutes % 60))
            self._cache[key] = int(timezone.make_aware(wall).timestamp())
        return self._cache[key]

    def aware(self, ts: int) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(ts, datetime.UTC)


class _Team:
    def __init__(self, id, name, code, kind, mix, parent):
        self.id, self.name, self.code, self.kind, self.mix, self.parent = id, name, code, kind, mix, parent
        self.children, self.members, self.path, self.manager = [], [], "", None

    def fields(self) -> dict:
        depth = len(self.path) // 4
        return {
            "id": self.id,
            "name": self.name,
            "code": self.code,
            "kind": self.kind,
            "path": self.path,
            "depth": depth,
            "numchild": len(self.children),
        }


def _teams(rng: random.Random, staff: int) -> list[_Team]:
    """About staff/25 teams: the trust, its directorates, teams under them and sub-teams under some teams.
    Materialised paths are computed here (treebeard: 4 base-36 characters a level, siblings ordered by name)."""
    total = max(12, round(staff / 25))
    n_dir = len(DIRECTORATES) if total >= 6 * len(DIRECTORATES) else max(2, total // 6)
    n_team = max(n_dir, round((total - 1 - n_dir) * 0.27))
    n_sub = max(0, total - 1 - n_dir - n_team)
    root = _Team(0, "Bench Hospitals NHS Foundation Trust", "RBX", "organisation", "board", None)
    directorates = [
        _Team(0, name, f"RBX-{d + 1:02d}", "directorate", mix, root)
        for d, (name, mix, _weight, _names) in enumerate(DIRECTORATES[:n_dir])
    ]
    weights = [weight for _, _, weight, _ in DIRECTORATES[:n_dir]]
    level3, used = [], [0] * n_dir
    for n in range(n_team):
        d = n if n < n_dir else rng.choices(range(n_dir), weights)[0]
        names = [name.strip() for name in DIRECTORATES[d][3].split(",")]
        k, used[d] = used[d], used[d] + 1
        name = names[k % len(names)] + (f" {k // len(names) + 1}" if k >= len(names) else "")
        directorate = directorates[d]
        level3.append(_Team(0, name, f"{directorate.code}-{k + 1:03d}", "team", directorate.mix, directorate))
    subs_per_team = [0] * n_team
    weights = [rng.choice([0, 1, 1, 2, 3, 4]) for _ in range(n_team)]
    for _ in range(n_sub):
        subs_per_team[rng.choices(range(n_team), weights=[w + 0.2 for w in weights])[0]] += 1
    subs = []
    for team, count in zip(level3, subs_per_team, strict=True):
        names = SUB_TEAMS[team.mix]
        for s in range(count):
            label = names[s % len(names)] + (f" {s // len(names) + 1}" if s >= len(names) else "")
            subs.append(_Team(0, f"{team.name}: {label}", f"{team.code}-{s + 1:02d}", "sub_team", team.mix, team))
    for team in directorates + level3 + subs:
        team.parent.children.append(team)
    # Assign paths and ids depth first, siblings by name, as treebeard would with node_order_by = ["name"].
    teams = []

    def place(team, path):
        team.path = path
        team.id = len(teams) + 1
        teams.append(team)
        for position, child in enumerate(sorted(team.children, key=lambda t: t.name), 1):
            place(child, path + _step(position))

    place(root, _step(1))
    return teams


def _step(position: int) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    digits = ""
    while position:
        position, digit = divmod(position, 36)
        digits = alphabet[digit] + digits
    return digits.rjust(4, "0")


class _Person:
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


def _people(rng: random.Random, staff: int, teams: list[_Team], clock: _Clock) -> list[_Person]:
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
            person = _Person()
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


def _history(rng: random.Random, people: list[_Person], teams: list[_Team], clock: _Clock) -> list[dict]:
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


def _evidence(rng: random.Random, people: list[_Person], clock: _Clock) -> list[tuple]:
    """Completions for each person and requirement that applies to them, while they are employed: the one still
    valid when the window opens and every renewal since, at roughly the renewal interval (most renew a little early,
    some late; some lapse; 5% of pairs never complete). Each is imported in the Monday batch 2-8 days after it, except
    those done before the portal went live (the window's first Monday): batch 1 brings in that history.

    Returns facts sorted in ledger order: (recorded_ts, kind 0 import / 1 void, line, staff, requirement,
    completed day ordinal, batch number / reason index, the import's own number / the number of the import voided)."""
    rand = rng.random
    renewal = [round(months * 365.25 / 12) for _, months, _ in REQUIREMENTS]
    applies = {
        group: [r for r, (_, _, groups) in enumerate(REQUIREMENTS) if groups is None or group in groups]
        for group in STAFF_GROUPS
    }
    monday = datetime.date(2001, 1, 1).toordinal()  # a Monday
    go_live = clock.window + (monday - clock.window) % 7  # the first import: the national record's history
    raw = []
    for person in people:
        end = min(person.leave - 1, clock.today) if person.leave else clock.today
        for r in applies[person.group]:
            if rand() < NEVER_COMPLETED:
                continue
            days = renewal[r]
            if person.start < clock.window - days:
                done = clock.window - int(rand() * days)  # the completion still valid when the window opens
            else:  # a new starter: most within 28 days, some late
                u = rand()
                done = person.start + (int(u * 40) if u < 0.85 else 28 + int(rand() * 150))
            while done <= end:
                batch_day = max(go_live, done + 2 + (monday - done - 2) % 7)
                if batch_day >= clock.today:
                    break  # in the next import
                raw.append((batch_day, person.id, r + 1, done))
                if rand() < LAPSE:
                    break
                u = rand()
                if u < 0.7:
                    done += days - int(rand() * 60)
                elif u < 0.9:
                    done += days + int(rand() * 21)
                else:
                    done += days + 21 + int(rand() * 150)
    raw.sort(key=lambda fact: fact[0])  # stable: each batch lists people in order
    facts, batch_days = [], {}
    line = 0
    for batch_day, staff_id, requirement_id, done in raw:
        if batch_day not in batch_days:
            batch_days[batch_day] = len(batch_days) + 1
            line = 1  # line 1 is the file's heading
        line += 1
        ts = clock.at(batch_day, 10 * 60 + (batch_day * 37) % 120)
        facts.append((ts, 0, line, staff_id, requirement_id, done, batch_days[batch_day], len(facts)))
    del raw
    voids = []
    for index, fact in enumerate(facts):
        if rand() < VOIDED:
            ts = fact[0] + 3600 + int(rand() * 60 * 86400)
            if ts >= clock.now_ts:
                ts = fact[0] + int((clock.now_ts - fact[0]) * (0.1 + 0.8 * rand()))
            voids.append((ts, 1, 0, fact[3], fact[4], 0, rng.randrange(len(VOID_REASONS)), index))
    facts.extend(voids)
    facts.sort()
    return facts


def _write_ledger(facts: list[tuple], clock: _Clock) -> int:
    """Insert the facts in ledger order with ids equal to seq, chaining hashes exactly as ledger.append_many does,
    then set the ledger head. Void rows name the seq of the entry they void."""
    from django.utils import timezone

    from portal.compliance.ledger import GENESIS_HASH, entry_hash
    from portal.compliance.models import EvidenceEntry, LedgerHead

    seq_of = {}  # import number -> seq
    prev, seq, pending = GENESIS_HASH, 0, []
    noon = datetime.time(12)
    completed_cache, recorded_cache = {}, {}
    for ts, kind, line, staff_id, requirement_id, done, extra, target in facts:
        seq += 1
        recorded_at = recorded_cache.get(ts)
        if recorded_at is None:
            recorded_at = recorded_cache[ts] = clock.aware(ts)
        if kind == 0:
            if done not in completed_cache:
                day = datetime.date.fromordinal(done)
                completed_cache[done] = (timezone.make_aware(datetime.datetime.combine(day, noon)), day.isoformat())
            completed_at, day = completed_cache[done]
            seq_of[target] = seq
            entry = EvidenceEntry(
                id=seq,
                seq=seq,
                staff_id=staff_id,
                requirement_id=requirement_id,
                completed_at=completed_at,
                recorded_at=recorded_at,
                source=EvidenceEntry.IMPORT,
                source_ref=f"import batch {extra} line {line}",
                idempotency_key=f"import:{staff_id}:{requirement_id}:{day}",  # as completions.py keys them
                prev_hash=prev,
            )
        else:
            voided = seq_of[target]
            entry = EvidenceEntry(
                id=seq,
                seq=seq,
                staff_id=staff_id,
                requirement_id=requirement_id,
                recorded_at=recorded_at,
                source=EvidenceEntry.VOID,
                source_ref=f"voids entry #{voided}",
                voids_id=voided,
                reason=VOID_REASONS[extra],
                idempotency_key=f"void:{voided}",
                prev_hash=prev,
            )
        entry.content_hash = prev = entry_hash(entry)
        pending.append(entry)
        if len(pending) == INSERT_BATCH:
            EvidenceEntry.objects.bulk_create(pending)
            pending = []
    EvidenceEntry.objects.bulk_create(pending)
    LedgerHead.objects.create(pk=1, seq=seq, head_hash=prev)
    return seq


def _wipe(connection) -> list[str]:
    """Delete every row of teams, staff, requirements, the ledger and every table referencing them, however
    indirectly (TRUNCATE on PostgreSQL; referencing tables first on SQLite). Returns the labels of the models wiped
    outside the people and compliance apps."""
    from django.apps import apps

    roots = ["people.Team", "people.StaffMember", "compliance.Requirement", "compliance.EvidenceEntry"]
    models = [apps.get_model(label) for label in [*roots, "compliance.LedgerHead"]]
    references = {}  # model -> the models in the set it holds a foreign key to
    changed = True
    while changed:
        changed = False
        for model in apps.get_models(include_auto_created=True):
            targets = {
                field.related_model
                for field in model._meta.local_fields
                if field.is_relation and field.related_model in models and field.related_model is not model
            }
            if targets - references.get(model, set()):
                references.setdefault(model, set()).update(targets)
                changed = True
            if targets and model not in models:
                models.append(model)
    extra = [m._meta.label for m in models if m._meta.app_label not in ("people", "compliance")]
    ordered = []  # referencing models before the models they reference
    remaining = list(models)
    while remaining:
        ready = [m for m in remaining if not any(r in remaining for r in _referenced_by(m, references))]
        ordered.extend(ready or remaining)  # a cycle: DELETE with deferred constraints still succeeds
        remaining = [m for m in remaining if m not in ordered]
    tables = [connection.ops.quote_name(model._meta.db_table) for model in ordered]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
    return extra


def _referenced_by(model, references) -> list:
    """The models that hold a foreign key to `model`."""
    return [m for m, targets in references.items() if model in targets]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--years", type=int, default=3)
    args = parser.parse_args()
    django_setup()
    from django.db import connection

    started = time.perf_counter()
    counts = build(staff=args.staff, seed=args.seed, years=args.years)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"database: {connection.vendor}; " + "; ".join(f"{k}: {v:,}" for k, v in counts.items()))
    print(f"built in {elapsed:.1f}s; peak memory (RSS) {peak:.0f} MB")


if __name__ == "__main__":
    main()
