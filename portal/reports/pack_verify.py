"""Reading an evidence pack back (`manage.py verify_pack`): its manifest, its CSV twin rebuilt from the records at the
pack's cut-off and on its clock, and, for a pack as it was, the facts recorded since that a pack made now would add
(`changes_since`). Making a pack is `reports.packs`."""

import csv
import datetime
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Min, Value
from django.db.models.functions import Replace
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance.asat import Moment
from portal.compliance.dates import local_day
from portal.compliance.ledger import GENESIS_HASH
from portal.compliance.models import EvidenceEntry, ReattestationRound, Requirement, RoundWithdrawal
from portal.lib.formula_text import FULL_WIDTH_STARTS, neutralise
from portal.people.history import identities_before
from portal.people.models import IdentityChange, StaffChange, StaffMember, Team, TeamChange
from portal.people.team_history import Tree, tree_on

from . import basis as clocks
from .exports import EMPLOYMENT, Filters
from .pack_record import pdf_checked, receipt_checked, receipt_printed
from .packs import BASIS_WORDS, csv_twin, pack_people

MANIFEST_FIELDS = {
    "team_code": r"Team code:\s*(\S+)",
    "as_at": r"As at:\s*(\d{4}-\d{2}-\d{2})",
    "cutoff": r"Evidence recorded before:\s*(\S+)",
    "csv_sha256": r"CSV SHA-256:\s*([0-9a-f\s]{64,})",
    "ledger_seq": r"Ledger head entry:\s*#(\d+)",
    "ledger_head_hash": r"Ledger head hash:\s*([0-9a-f\s]{64,})",
}
PACK_ID_PATTERN = r"\bPack\s+(\d+)\s+Team code:"
# The staff group filter's cell, up to the label of the row that always follows it (`reports/pack/manifest.html`).
STAFF_GROUP_PATTERN = r"Staff group filter:\s*(.+?)\s*\nEvidence recorded before:"
# Packs made before there was a choice of clock name none, and were as recorded then.
BASIS_PATTERN = r"Basis:\s*(As it was|As recorded then)\b"
BASIS_NAMED = {label: value for value, label in clocks.CHOICES}


class ManifestError(Exception):
    pass


def manifest_read(pdf_path) -> dict:
    """The manifest printed on a pack's last page, read back from the PDF's text."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # From the last page back, until the manifest's heading is in what has been read: it is on the last pages, and
    # reading every page of a 3,000-person pack would take minutes. The text is the same as reading the whole.
    text = ""
    try:
        pages = PdfReader(pdf_path).pages
        for page in reversed(pages):
            text = (page.extract_text() or "") + ("\n" + text if text else "")
            if "Manifest" in text:
                break
    except (PdfReadError, ValueError) as error:
        raise ManifestError(f"This file cannot be read as a PDF ({error}).") from error
    start = text.rfind("Manifest")
    if start < 0:
        raise ManifestError("This PDF has no manifest: it is not an evidence pack from this portal.")
    text = text[start:]
    manifest = {}
    for key, pattern in MANIFEST_FIELDS.items():
        match = re.search(pattern, text)
        if not match:
            raise ManifestError(f"The manifest has no {key.replace('_', ' ')}.")
        value = re.sub(r"\s+", "", match.group(1))
        manifest[key] = value[:64] if key.endswith(("sha256", "hash")) else value
    manifest["ledger_seq"] = int(manifest["ledger_seq"])
    # The pack's number, by which its row is found (`pack_record.pdf_checked`); None if it prints none.
    pack_id = re.search(PACK_ID_PATTERN, text)
    manifest["pack_id"] = int(pack_id.group(1)) if pack_id else None
    manifest["as_at"] = datetime.date.fromisoformat(manifest["as_at"])
    manifest["cutoff"] = datetime.datetime.fromisoformat(manifest["cutoff"])
    # Packs made from a filtered report name their filters; the others hold everything.
    requirement = re.search(r"Requirement filter:\s*#(\d+)", text)
    manifest["requirement_id"] = int(requirement.group(1)) if requirement else None
    # A long staff group wraps over lines in its cell: read on to the next row's label (`staff_group_read`).
    group = re.search(STAFF_GROUP_PATTERN, text, re.DOTALL)
    manifest["staff_group"] = staff_group_read(group.group(1)) if group else ""
    # When the pack was made (its receipt was issued as its rows had been read): packs from before receipts, unknown.
    issued = re.search(r"Receipt issued:\s*(\S+)", text)
    manifest["made"] = datetime.datetime.fromisoformat(issued.group(1)) if issued else None
    manifest["receipt"] = receipt_printed(text) if issued else None
    named = re.search(BASIS_PATTERN, text)
    manifest["basis"] = BASIS_NAMED[named.group(1)] if named else clocks.AS_RECORDED
    return manifest


def staff_group_read(cell: str) -> str:
    """The staff group a manifest's cell names, read back from its lines: the cell wraps a long group at a space, and
    a word too long for it anywhere (`pack/base.html`), and the text read has a line break for either. A group on the
    roster's record with the same letters is the one (one query, only when the cell wrapped); else, a space at each
    break."""
    words = cell.split()
    read = " ".join(words)
    if "\n" not in cell.strip():
        return read
    letters = Replace("staff_group", Value(" "), Value(""))
    on_record = StaffChange.objects.alias(letters=letters).filter(letters="".join(words))
    groups = set(on_record.values_list("staff_group", flat=True).distinct()[:10])
    return read if read in groups or not groups else min(groups)


@dataclass
class PackCheck:
    problems: list[str]
    notes: list[str]
    # As it was: how the same pack made now would differ, and the facts recorded since its cut-off that explain it.
    since: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def pack_verify(pdf_path, csv_path, *, now: datetime.datetime | None = None) -> PackCheck:
    """Check a pack and its CSV twin against each other and against the records as they are now: the CSV rebuilt
    on the pack's basis at its cut-off must be the same bytes. For a pack as it was, also make the same pack now
    (everything known at `now`, default the present) and, where it differs, name the facts recorded since the
    cut-off that explain it: a difference is not a problem (late facts about the past are what "as it was" takes
    in), only news."""
    from portal.compliance.ledger import verify_chain

    problems, notes = [], []
    manifest = manifest_read(pdf_path)
    basis, moment = manifest["basis"], Moment(manifest["as_at"], manifest["cutoff"])
    notes.append(
        f"The pack is {dict(clocks.CHOICES)[basis].lower()} on {manifest['as_at']:%-d %B %Y} "
        f"({BASIS_WORDS[basis]}), from the evidence recorded before {_when(moment.cutoff)}."
    )
    csv_bytes = Path(csv_path).read_bytes()
    if hashlib.sha256(csv_bytes).hexdigest() != manifest["csv_sha256"]:
        problems.append("The CSV is not the one this pack was made with: its SHA-256 differs from the manifest.")
    else:
        notes.append("The CSV is the pack's twin: its SHA-256 matches the manifest.")
    problems += [problem for problem in [receipt_checked(manifest)] if problem]
    pdf_problem, pdf_note = pdf_checked(pdf_path, manifest)
    problems += [pdf_problem] if pdf_problem else []
    notes += [pdf_note] if pdf_note else []
    chain = verify_chain()
    if not chain.intact:
        problems.append(f"The ledger's chain is broken at entry #{chain.broken_seq}: {chain.problem}.")
    entry = EvidenceEntry.objects.filter(seq=manifest["ledger_seq"]).values_list("content_hash", flat=True).first()
    expected = entry if manifest["ledger_seq"] else GENESIS_HASH
    if expected != manifest["ledger_head_hash"]:
        problems.append(f"Ledger entry #{manifest['ledger_seq']} does not have the hash the manifest names.")
    elif chain.intact:
        notes.append(f"The ledger is intact, and entry #{manifest['ledger_seq']} is the head the manifest names.")
    # The rows name each team as the tree's history recorded before the cut-off has it on the pack's day; the manifest
    # names the pack's team by its code when the pack was made (its receipt's time, to the second: a rename in that
    # second came before it). Renames from before the tree had a history are known from the audit log alone.
    made = manifest["made"] + datetime.timedelta(seconds=1) if manifest["made"] else moment.cutoff
    renamed = renamed_since(made)
    tree = tree_on(moment.day, recorded_before=moment.cutoff)
    team = _team_then(manifest["team_code"], made, renamed)
    if team is None:
        problems.append(f"There is no team with code {manifest['team_code']}.")
        return PackCheck(problems, notes)
    if team.code != manifest["team_code"]:
        notes.append(f"Team code {manifest['team_code']} is now {team.code} ({team.name}): renamed since the pack.")
    requirement = None
    if manifest["requirement_id"] is not None:
        requirement = Requirement.objects.filter(pk=manifest["requirement_id"]).first()
        if requirement is None:
            problems.append(f"There is no requirement #{manifest['requirement_id']}, which the pack was filtered to.")
            return PackCheck(problems, notes)
    names = _names_then(renamed, tree)
    shown = _renamed_in_words(tree, team, names)
    if shown:
        notes.append(f"Teams renamed since the pack was made are shown by the names they had then: {shown}.")
    renumbered = _people_renamed_in_words(csv_bytes, moment.cutoff)
    if renumbered:
        notes.append(
            f"People renamed or renumbered since the pack's cut-off are shown as they were then: {renumbered}."
        )
    rebuilt = csv_twin(team, moment, basis, Filters(requirement, manifest["staff_group"]), names)
    if rebuilt != csv_bytes and _full_width_signs_marked(csv_bytes) == rebuilt.decode("utf-8"):
        notes.append(
            "The pack was made before the portal wrote a cell starting with a full-width formula sign (\uff1d \uff0b "
            "\uff0d \uff20) as text, with an apostrophe before it, as it does now: "
            + _first_difference(csv_bytes, rebuilt)
            + " Otherwise, rebuilt from the ledger, the CSV comes out byte for byte the same."
        )
    elif rebuilt != csv_bytes:
        problems.append("Rebuilt from the ledger, the CSV differs: " + _first_difference(csv_bytes, rebuilt))
    elif basis == clocks.AS_IT_WAS:
        notes.append("Rebuilt now from the records made before its cut-off, the CSV comes out byte for byte the same.")
    else:
        notes.append("Rebuilt from the ledger now, the CSV comes out byte for byte the same.")
    since = changes_since(team, moment, now or timezone.now()) if basis == clocks.AS_IT_WAS else []
    return PackCheck(problems, notes, since)


@dataclass(frozen=True)
class Renamed:
    """A team renamed after a pack was made: as it is now, and its name and code when the pack was made."""

    team: Team
    name_then: str
    code_then: str


def renamed_since(moment: datetime.datetime) -> dict[int, Renamed]:
    """The teams renamed at or after `moment` and before the tree's history knew them (`people.TeamChange`: a rename
    since then is in it), by id, each with the name and code it had then: the first such rename's "before", as HR's
    organisation pages audit each rename (`compliance.organisation.team_rename`)."""
    events = AuditEvent.objects.filter(action=AuditEvent.TEAM_CHANGED, detail__change="renamed", at__gte=moment)
    first_rows = TeamChange.objects.values("team_id").annotate(first=Min("recorded_at"))
    kept_from = dict(first_rows.values_list("team_id", "first"))
    then = {}
    for at, detail in events.order_by("at", "pk").values_list("at", "detail"):
        if detail["team_id"] in kept_from and at >= kept_from[detail["team_id"]]:
            continue
        then.setdefault(detail["team_id"], detail["before"])
    teams = Team.objects.in_bulk(list(then))
    return {pk: Renamed(teams[pk], was["name"], was["code"]) for pk, was in then.items() if pk in teams}


def _team_then(code: str, made: datetime.datetime, renamed: dict[int, Renamed]) -> Team | None:
    """The team that had `code` when the pack was made: one renamed from it since before the tree had a history, else
    the one the tree's history as recorded by then gives it (a team with no history has its code now). None if no
    team had it: the team with it now had another then, or did not exist."""
    for change in renamed.values():
        if change.code_then.lower() == code.lower():
            return change.team
    then = tree_on(local_day(made), recorded_before=made)
    found = [pk for pk, team in then.teams.items() if team.code.lower() == code.lower() and pk not in renamed]
    return Team.objects.filter(pk=found[0]).first() if found else None


def _names_then(renamed: dict[int, Renamed], tree: Tree) -> dict[str, str]:
    """name in the tree's history at the pack's cut-off -> name when the pack was made, for the teams renamed before
    the tree had a history, whose name there is theirs alone (the rows name a team, not its id: a name two teams
    share cannot be told apart)."""
    counts = Counter(team.name for team in tree.teams.values())
    return {
        tree.name(pk): change.name_then
        for pk, change in sorted(renamed.items(), key=lambda item: tree.order(item[0]) if item[0] in tree else ())
        if pk in tree and tree.name(pk) != change.name_then and counts[tree.name(pk)] == 1
    }


def _renamed_in_words(tree: Tree, team: Team, names: dict[str, str]) -> str:
    """The teams of the pack whose name then (as its rows show it) is not their name now: "Old (now New), ..."."""
    scope = tree.under([team])
    now = dict(Team.objects.filter(pk__in=scope).values_list("pk", "name"))
    shown = []
    for pk in sorted(scope, key=tree.order):
        then = names.get(tree.name(pk), tree.name(pk))
        if pk in now and now[pk] != then:
            shown.append(f"{then} (now {now[pk]})")
    return ", ".join(shown)


def _people_renamed_in_words(csv_bytes: bytes, cutoff: datetime.datetime) -> str:
    """The people of the pack's rows (by the number they had then) renamed or renumbered since its cut-off: "Name then
    (number then; now Name, number)", ..."""
    rows = csv.reader(io.StringIO(csv_bytes.decode("utf-8", errors="replace")))
    numbers = {row[0].removeprefix("'") for row in rows if row}  # as `formula_text.neutralise` may have written it
    shown = []
    for then in identities_before(cutoff).values():
        now = then.staff
        if then.employee_number in numbers and (then.employee_number, then.full_name) != (
            now.employee_number,
            now.full_name,
        ):
            shown.append(f"{then.full_name} ({then.employee_number}; now {now.full_name}, {now.employee_number})")
    return ", ".join(sorted(shown))


def _full_width_signs_marked(csv_bytes: bytes) -> str | None:
    """A CSV twin written before a cell starting with a full-width formula sign got an apostrophe, as it is written
    now (`formula_text.neutralise`), every other byte as it was; None if the file is not one the portal's CSV writer
    gives back unchanged, so nothing else in it can be passed over."""
    try:
        text = csv_bytes.decode("utf-8")
    except UnicodeDecodeError:
        return None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if _written(rows) != text:
        return None
    return _written([neutralise(cell) if cell[:1] in FULL_WIDTH_STARTS else cell for cell in row] for row in rows)


def _written(rows) -> str:
    """`rows` as the exports' CSV writer writes them (`exports.csv_lines`: csv's default dialect)."""
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _first_difference(given: bytes, rebuilt: bytes) -> str:
    given_lines, rebuilt_lines = given.decode("utf-8").splitlines(), rebuilt.decode("utf-8").splitlines()
    for number, (a, b) in enumerate(zip(given_lines, rebuilt_lines, strict=False), start=1):
        if a != b:
            return f"line {number} reads {a!r} in the file but {b!r} from the ledger."
    return f"the file has {len(given_lines)} lines, the ledger gives {len(rebuilt_lines)}."


# --- A pack as it was, made again now ---------------------------------------------------------------------------


def people_differing(team: Team, moment: Moment, now: datetime.datetime) -> list[StaffMember]:
    """The people whose rows in a pack as it was on `moment.day` at its cut-off differ from the same pack made at
    `now` (someone in only one of them included), in person order. Both are read person by person side by side."""
    then = _rows_by_person(team, moment)
    later = _rows_by_person(team, Moment(moment.day, now))
    differing = []
    a, b = next(then, None), next(later, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a[0].pk < b[0].pk):
            differing.append(a[0])
            a = next(then, None)
        elif a is None or b[0].pk < a[0].pk:
            differing.append(b[0])
            b = next(later, None)
        else:
            if a[1] != b[1]:
                differing.append(b[0])
            a, b = next(then, None), next(later, None)
    return differing


def _rows_by_person(team: Team, moment: Moment):
    for staff, _, lines in pack_people(team, moment, clocks.AS_IT_WAS):
        yield staff, [line.row for line in lines]


@dataclass(frozen=True)
class LateFact:
    """A fact recorded after a pack's cut-off that bears on its day: what it is in words, about whom, when it was
    recorded and the day it took effect."""

    words: str
    person: str
    recorded_at: datetime.datetime
    took_effect: datetime.date

    def __str__(self) -> str:
        return (
            f"{self.words}, for {self.person}: recorded {_when(self.recorded_at)}, "
            f"took effect {self.took_effect:%-d %B %Y}."
        )


def changes_since(team: Team, moment: Moment, now: datetime.datetime) -> list[str]:
    """For a pack as it was: whether the same pack made at `now` would differ and, if so, the facts recorded since
    its cut-off (ledger entries, roster changes, re-attestation rounds) that took effect on or before its day for
    the people it would differ for. A fact that took effect later can still move a date shown that day (a pause
    stops the clock of a due date after it): for a person with no fact by the day, their later ones are named."""
    differing = people_differing(team, moment, now)
    if not differing:
        return [
            f"Made now, the pack would be the same: nothing recorded since its cut-off changes how "
            f"{moment.day:%-d %B %Y} was."
        ]
    lines = [
        f"Made now, the pack would differ for {len(differing)} {'person' if len(differing) == 1 else 'people'}: "
        f"{', '.join(f'{s.full_name} ({s.employee_number})' for s in differing)}. "
        f"Recorded since its cut-off, these explain it:"
    ]
    facts = late_facts([s.pk for s in differing], moment.cutoff)
    explained = 0
    for staff in differing:
        mine = [fact for fact in facts.get(staff.pk, []) if fact.took_effect <= moment.day]
        mine = mine or facts.get(staff.pk, [])
        explained += bool(mine)
        lines += [str(fact) for fact in mine]
    rounds = ReattestationRound.objects.in_force().filter(opened_at__gte=moment.cutoff).select_related("requirement")
    for round_ in rounds.order_by("opened_at"):
        if local_day(round_.opened_at) <= moment.day:
            lines.append(
                f"A re-attestation round for {round_.requirement.name}, for everyone it applies to: opened "
                f"{_when(round_.opened_at)}, took effect {local_day(round_.opened_at):%-d %B %Y}."
            )
    # A round the pack saw open, withdrawn since: as it was, a withdrawn round never held (docs/two-clocks.md).
    withdrawals = RoundWithdrawal.objects.filter(withdrawn_at__gte=moment.cutoff, round__opened_at__lt=moment.cutoff)
    for withdrawal in withdrawals.select_related("round__requirement").order_by("withdrawn_at"):
        round_ = withdrawal.round
        if local_day(round_.opened_at) <= moment.day:
            lines.append(
                f"The re-attestation round for {round_.requirement.name} opened {_when(round_.opened_at)} was "
                f"withdrawn {_when(withdrawal.withdrawn_at)}, for everyone it applied to: it asks nothing of anyone "
                "on any day."
            )
    if explained < len(differing):
        lines.append(
            "For the others nothing recorded since explains it: a requirement's settings may have changed since "
            "(its teams, staff groups, job titles or renewal period are read as they are now)."
        )
    return lines


def late_facts(staff_ids: list[int], cutoff: datetime.datetime) -> dict[int, list[LateFact]]:
    """The ledger entries, roster changes and new names or numbers recorded at or after `cutoff` for `staff_ids`, by
    person, in the order they were recorded: three queries."""
    found: dict[int, list[tuple]] = {}
    entries = (
        EvidenceEntry.objects.filter(staff_id__in=staff_ids, recorded_at__gte=cutoff)
        .select_related("staff", "requirement", "voids")
        .order_by("seq")
    )
    for entry in entries:
        words, day = _entry_in_words(entry)
        found.setdefault(entry.staff_id, []).append(
            (entry.recorded_at, LateFact(words, _person(entry.staff), entry.recorded_at, day))
        )
    changes = (
        StaffChange.objects.filter(staff_id__in=staff_ids, recorded_at__gte=cutoff)
        .select_related("staff", "team")
        .order_by("recorded_at", "pk")
    )
    identities = (
        IdentityChange.objects.filter(staff_id__in=staff_ids, recorded_at__gte=cutoff)
        .select_related("staff")
        .order_by("recorded_at", "pk")
    )
    for row in identities:
        words = f"Named {row.full_name}, employee number {row.employee_number}"
        found.setdefault(row.staff_id, []).append(
            (row.recorded_at, LateFact(words, _person(row.staff), row.recorded_at, local_day(row.recorded_at)))
        )
    for change in changes:
        words = f"Roster change: in {change.team.name if change.team else 'no team'}, staff group "
        words += f"{change.staff_group or 'none'}, job title {change.job_title or 'none'}"
        words += f", employment type {EMPLOYMENT.get(change.employment_type, change.employment_type)}"
        words += f", started {change.start_date:%-d %B %Y}"
        if change.leave_date:
            words += f", leaving after {change.leave_date:%-d %B %Y}"
        found.setdefault(change.staff_id, []).append(
            (change.recorded_at, LateFact(words, _person(change.staff), change.recorded_at, change.effective_day))
        )
    return {pk: [fact for _, fact in sorted(facts, key=lambda pair: pair[0])] for pk, facts in found.items()}


def _entry_in_words(entry: EvidenceEntry) -> tuple[str, datetime.date]:
    """A ledger entry in words, and the day it took effect (a correction: the day of the fact it voids)."""
    requirement = entry.requirement.name
    if entry.source == EvidenceEntry.VOID:
        voided = entry.voids
        day = local_day(voided.completed_at) if voided and voided.completed_at else local_day(entry.recorded_at)
        reason = f" ({entry.reason_without_pause_reason})" if entry.reason else ""
        return f"Ledger entry #{entry.seq}: a correction voiding entry #{voided.seq} on {requirement}{reason}", day
    day = local_day(entry.completed_at) if entry.completed_at else local_day(entry.recorded_at)
    if entry.source == EvidenceEntry.PAUSE:
        until = f" to {entry.expires_on:%-d %B %Y}" if entry.expires_on else ", with no return date yet"
        return f"Ledger entry #{entry.seq}: a pause of {requirement} from {day:%-d %B %Y}{until}", day
    source = entry.get_source_display()
    reference = f", {entry.source_ref}" if entry.source_ref else ""
    return f"Ledger entry #{entry.seq}: {requirement}, completed {day:%-d %B %Y} ({source}{reference})", day


def _person(staff: StaffMember) -> str:
    return f"{staff.full_name} ({staff.employee_number})"


def _when(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y %H:%M:%S} (UK time)"
