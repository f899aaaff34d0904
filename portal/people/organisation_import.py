"""The organisation hierarchy import's dry run: an ESR-style CSV of organisations (code, name, parent code, and
optionally the hierarchy level or type) compared with the team tree. Writes nothing; applying it is
portal.compliance.imports.organisation (a move changes who a team's requirements apply to).

Rules where ESR leaves a choice:
- A team is its code, compared without regard to case (as the roster matches it). A code in the file that the portal
  knows is renamed and moved to match the file; one it does not know is created.
- Teams the file does not mention are left alone: ESR extracts are often one part of the tree.
- A row without a parent code is an organisation at the top of the tree.
- The level or type, when given, sets the kind of a new team; without it a new team's kind follows its depth
  (organisation, directorate, team, then sub-team). An existing team keeps its kind.
"""

import hashlib
from dataclasses import dataclass, field

from portal.lib.csvfiles import CsvFileError, read_table, show_date
from portal.lib.text import code_hidden_character, hidden_character

from .models import Team
from .roster.numbers import code_twin, code_twins, zero_twin_error

ALIASES = {
    **dict.fromkeys(["organisationcode", "orgcode", "code", "teamcode", "departmentcode"], "code"),
    **dict.fromkeys(["organisationname", "orgname", "name", "teamname", "organisation", "team"], "name"),
    **dict.fromkeys(
        ["parentorganisationcode", "parentorgcode", "parentcode", "parent", "parentorganisation"], "parent_code"
    ),
    **dict.fromkeys(["hierarchylevel", "level", "organisationtype", "orgtype", "type", "kind"], "kind"),
}
REQUIRED = {"code", "name"}
CODES = {"code", "parent_code"}
COLUMNS = {
    "code": "Organisation Code",
    "name": "Organisation Name",
    "parent_code": "Parent Organisation Code",
    "kind": "Hierarchy Level",
}
# The materialised path holds so many steps: a team any deeper cannot be stored (PostgreSQL refuses the longer path).
MAX_DEPTH = Team._meta.get_field("path").max_length // Team.steplen
MAX_LENGTHS = {"code": Team._meta.get_field("code").max_length, "name": Team._meta.get_field("name").max_length}
KINDS_BY_DEPTH = [Team.ORGANISATION, Team.DIRECTORATE, Team.TEAM]
KIND_WORDS = {
    **dict.fromkeys(["organisation", "organization", "trust", "ccg", "icb", "1"], Team.ORGANISATION),
    **dict.fromkeys(["directorate", "division", "2"], Team.DIRECTORATE),
    **dict.fromkeys(["team", "department", "3"], Team.TEAM),
    **dict.fromkeys(["subteam", "sub-team", "sub team"], Team.SUB_TEAM),
}


@dataclass
class OrganisationRow:
    line: int
    code: str
    name: str
    parent_code: str  # "" for the top of the tree
    kind: str  # "" when the file does not say


@dataclass
class OrganisationPlan:
    to_create: list[OrganisationRow] = field(default_factory=list)  # parents before children
    to_rename: list[tuple[Team, OrganisationRow]] = field(default_factory=list)
    to_move: list[tuple[Team, OrganisationRow, str]] = field(default_factory=list)  # with the current parent's code
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rows: int = 0
    sha256: str = ""
    unused: list[str] = field(default_factory=list)  # headings no field reads
    ignored: list[str] = field(default_factory=list)  # a title, footers and blank lines: not teams
    hidden: str = ""  # rows Excel hides, read all the same (csvfiles.Table.hidden)

    @property
    def can_apply(self) -> bool:
        return not self.rejected and not self.problems

    @property
    def fingerprint(self) -> str:
        """Names what applying this plan would do (the teams it adds, renames and moves, each as the tree has it now,
        and the rows and problems that stop it): a dry run made again finds the same only if the file and the team
        tree are as they were, so an apply asked for from a dry run shown earlier can tell it would do what was
        shown."""
        text = repr(
            (
                [(r.line, r.code, r.name, r.parent_code, r.kind) for r in self.to_create],
                [(t.pk, t.code, t.name, r.code, r.name) for t, r in self.to_rename],
                [(t.pk, r.parent_code, old) for t, r, old in self.to_move],
                self.rejected,
                self.problems,
            )
        )
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    @property
    def summary(self) -> dict:
        return {
            "rows": self.rows,
            "created": len(self.to_create),
            "renamed": len(self.to_rename),
            "moved": len(self.to_move),
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
            "problems": len(self.problems),
        }


def plan_organisation(data: bytes) -> OrganisationPlan:
    """Read the file and compare it with the team tree. Writes nothing."""
    plan = OrganisationPlan(sha256=hashlib.sha256(data).hexdigest())
    try:
        table = read_table(data, ALIASES, REQUIRED, COLUMNS, codes=CODES, names={"name"})
    except CsvFileError as error:
        plan.problems.append(str(error))
        return plan
    records, plan.unused, plan.ignored, plan.hidden = table.records, table.unused, table.ignored, table.hidden
    # A misspelt heading ("Parent Organsation Code") would be a column not read: each new team at the top of the tree
    plan.problems.extend(table.doubtful_problems())
    plan.rows = len(records)
    rows: dict[str, OrganisationRow] = {}  # by lower-case code
    refused: dict[str, int] = {}  # the line of each code's rejected row, by lower-case code
    for line, raw in records:
        row, error = _read_row(line, raw)
        if error:
            plan.rejected.append((line, error))
            refused.setdefault(raw["code"].strip().lower(), line)
            continue
        earlier = rows.get(row.code.lower())
        if earlier:
            plan.rejected.append((line, f"Organisation Code '{row.code}' is already on line {earlier.line}"))
            continue
        rows[row.code.lower()] = row
    teams = {team.code.lower(): team for team in Team.objects.all()}
    parents = _current_parents(teams)
    twins = code_twins(teams)
    for key, row in list(rows.items()):  # a known team's code with its leading zeros lost (or gained) is not new
        twin = None if key in teams else code_twin(key, twins)
        if twin is not None and twin not in rows:
            plan.rejected.append((row.line, zero_twin_error(row.code, teams[twin].code, "Organisation Code")))
            del rows[key]
    _refuse_orphans(plan, rows, teams, twins, refused)
    plan.rejected.sort()
    # The tree as it would be: the file's parents over the portal's.
    after = {**parents, **{key: row.parent_code.lower() for key, row in rows.items()}}
    if _report_cycles(plan, rows, after):
        return plan
    _refuse_too_deep(plan, rows, after, teams, parents)
    for key in _parents_first(rows, after):
        row = rows[key]
        team = teams.get(key)
        parent = teams.get(row.parent_code.lower())
        if parent is not None and parent.closed_on and (team is None or parents.get(key) != parent.code.lower()):
            plan.rejected.append(
                (
                    row.line,
                    f"Parent Organisation Code '{row.parent_code}' is {parent.name}, which closed on "
                    f"{show_date(parent.closed_on)}: choose an open team",
                )
            )
            continue
        if team is not None and parents.get(key) and not row.parent_code:
            plan.rejected.append(
                (
                    row.line,
                    f"Parent Organisation Code is empty, but {team.name} sits under "
                    f"{teams[parents[key]].code}: give its parent (a team cannot be moved to the top of the tree)",
                )
            )
            continue
        if team is None:
            if not row.kind:
                row.kind = _kind_by_depth(key, after)
            plan.to_create.append(row)
            continue
        changed = False
        if team.name != row.name or team.code != row.code:
            plan.to_rename.append((team, row))
            changed = True
        if parents.get(key, "") != row.parent_code.lower():
            plan.to_move.append((team, row, teams[parents[key]].code if parents.get(key) else ""))
            changed = True
        plan.unchanged += not changed
    plan.rejected.sort()
    return plan


def _refuse_orphans(
    plan: OrganisationPlan,
    rows: dict[str, OrganisationRow],
    teams: dict[str, Team],
    twins: dict[str, str],
    refused: dict[str, int],
) -> None:
    """Refuse each row whose parent is neither a row the file keeps nor a known team. A row whose parent's row was
    rejected names that line, and so on down the rows below it, in whatever order the file lists them: the person
    fixes the one row at fault."""
    settled: set[str] = set()  # rows that lead up to the top of the tree, a known team or a cycle
    for start in list(rows):
        if start not in rows or start in settled:
            continue
        chain = [start]  # the rows up from `start`, to the one whose parent is missing
        while True:
            parent = rows[chain[-1]].parent_code.lower()
            if not parent or parent in teams or parent in settled or parent in chain:
                settled.update(chain)
                chain = []
                break
            if parent not in rows:
                break
            chain.append(parent)
        for key in reversed(chain):
            row = rows.pop(key)
            parent = row.parent_code.lower()
            twin = code_twin(parent, twins)
            if parent in refused:
                error = f"Parent Organisation Code '{row.parent_code}' is on line {refused[parent]}, which was rejected"
            elif twin is not None:
                error = zero_twin_error(row.parent_code, teams[twin].code, "Parent Organisation Code")
            else:
                error = f"Parent Organisation Code '{row.parent_code}' is neither in the file nor a known team"
            plan.rejected.append((row.line, error))
            refused[key] = row.line


def _read_row(line: int, raw: dict) -> tuple[OrganisationRow | None, str]:
    for name, value in raw.items():
        problem = code_hidden_character(value) if name in CODES else hidden_character(value)
        if problem:
            return None, f"{COLUMNS[name]} contains {problem}"
        if len(value) > MAX_LENGTHS.get(name, len(value)):
            return None, f"{COLUMNS[name]} is longer than {MAX_LENGTHS[name]} characters"
    code, name, parent = raw["code"].strip(), raw["name"].strip(), raw.get("parent_code", "").strip()
    if not code:
        return None, "Organisation Code is empty"
    if not name:
        return None, "Organisation Name is empty"
    if parent.lower() == code.lower():
        return None, f"Organisation '{code}' is its own parent"
    kind_text = raw.get("kind", "").strip()
    level = kind_text.lower().replace("level ", "")
    kind = KIND_WORDS.get(level, "") if kind_text else ""
    if level.isascii() and level.isdigit() and int(level) >= 4:  # every level from the fourth down is a sub-team
        kind = Team.SUB_TEAM
    if kind_text and not kind:
        return None, f"Hierarchy Level '{kind_text}' is not Organisation, Directorate, Team, Sub-team or 1 to 4"
    return OrganisationRow(line, code, name, parent, kind), ""


def _current_parents(teams: dict[str, Team]) -> dict[str, str]:
    """Each team's parent's code (lower case), from the materialised paths: no query per team."""
    by_path = {team.path: key for key, team in teams.items()}
    return {key: by_path.get(team.path[: -Team.steplen], "") for key, team in teams.items() if team.depth > 1}


def _report_cycles(plan: OrganisationPlan, rows: dict[str, OrganisationRow], after: dict[str, str]) -> bool:
    reported = set()
    for start in rows:
        seen, node = [], start
        while node and node not in seen:
            seen.append(node)
            node = after.get(node, "")
        if node:
            cycle = seen[seen.index(node) :]
            if frozenset(cycle) not in reported:
                reported.add(frozenset(cycle))
                named = [f"{rows[c].code} (line {rows[c].line})" if c in rows else c.upper() for c in [*cycle, node]]
                plan.problems.append("Parent cycle: " + " → ".join(named))
    return bool(reported)


def _refuse_too_deep(
    plan: OrganisationPlan,
    rows: dict[str, OrganisationRow],
    after: dict[str, str],
    teams: dict[str, Team],
    parents: dict[str, str],
) -> None:
    """Refuse each row that adds or moves a team so that it, or a team that follows it, would sit deeper than
    `MAX_DEPTH` levels: the row nearest above the deepest such team, naming it and its depth."""
    depths: dict[str, int] = {}

    def depth(key: str) -> int:
        chain = []
        while key and key not in depths:
            chain.append(key)
            key = after.get(key, "")
        known = depths.get(key, 0)
        for step in reversed(chain):
            known += 1
            depths[step] = known
        return depths[chain[0]] if chain else known

    changed = {key for key, row in rows.items() if key not in teams or parents.get(key, "") != row.parent_code.lower()}
    deepest: dict[str, tuple[int, str]] = {}  # by the row to refuse: (depth, the team that would sit there)
    for key in sorted({*rows, *teams}):
        levels = depth(key)
        if levels <= MAX_DEPTH:
            continue
        cause = key
        while cause and cause not in changed:
            cause = after.get(cause, "")
        if cause and levels > deepest.get(cause, (0, ""))[0]:
            deepest[cause] = (levels, key)
    for cause, (levels, key) in deepest.items():
        row = rows[cause]
        which = "it" if key == cause else (rows[key].code if key in rows else teams[key].code) + ", below it,"
        plan.rejected.append(
            (
                row.line,
                f"Organisation '{row.code}' would put {which} {levels} levels down the tree: the portal holds at most "
                f"{MAX_DEPTH} levels",
            )
        )
        del rows[cause]


def _parents_first(rows: dict[str, OrganisationRow], after: dict[str, str]) -> list[str]:
    def depth(key: str) -> int:
        count = 0
        while key:
            key, count = after.get(key, ""), count + 1
        return count

    return sorted(rows, key=lambda key: (depth(key), rows[key].line))


def _kind_by_depth(key: str, after: dict[str, str]) -> str:
    depth = 0
    while after.get(key):
        key, depth = after[key], depth + 1
    return KINDS_BY_DEPTH[depth] if depth < len(KINDS_BY_DEPTH) else Team.SUB_TEAM
