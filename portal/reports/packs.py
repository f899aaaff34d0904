"""PDF evidence packs: what a part of the organisation could show for each requirement on a day, person by person,
with a manifest an auditor can check against the ledger (`manage.py verify_pack`).

A pack reads its day on one of two clocks (`reports.basis`), and only the facts recorded before its cut-off:
- as recorded then: what the portal knew at the end of the day (`compliance.asat`); the cut-off is the end of the
  day (the moment of asking, for today);
- as it was: the day in effective time, from everything recorded before the moment the pack was asked for
  (`as_it_was.people_known`: the runs of the status table in effective time, worked out afresh from those facts).

Either way the pack's CSV twin can be rebuilt from the records at any later time at the same cut-off and must come
out byte for byte the same. The manifest names the basis, the cut-off, the twin's SHA-256 and the ledger chain's head
(the last entry recorded before the cut-off), so an edit to the CSV, the ledger or the pack shows. A pack as it was
made today and the same pack made next month differ only if facts about the time before its day were recorded in
between; `pack_verify` names them (`changes_since`).
"""

import datetime
import hashlib
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.utils import timezone

from portal.compliance import status
from portal.compliance.asat import Moment, roster_as_at, statuses_as_at
from portal.compliance.dates import local_day
from portal.compliance.ledger import GENESIS_HASH
from portal.compliance.models import EvidenceEntry, ReattestationRound
from portal.compliance.receipts import receipt_publish
from portal.people.models import StaffChange, StaffMember, Team

from . import as_it_was
from . import basis as clocks
from .exports import ExportRow, csv_header, csv_line, csv_lines, export_row, export_rows, export_rows_known, run_row
from .models import EvidencePack
from .pdf import render_pdf_to
from .pdfjoin import pdf_join

# The basis in words, as a pack says it: read at its cut-off, not "now" as a page's words (`basis.described`) say.
BASIS_WORDS = {
    clocks.AS_IT_WAS: "the day as it was in the world, from everything recorded before the cut-off: a completion "
    "counts from the day it was done and a move from the day it took effect, whenever they were recorded",
    clocks.AS_RECORDED: "what the portal showed at the end of the day, from what it had recorded by then: nothing "
    "recorded since changes it",
}
PROGRESS_EVERY = 25  # people between progress updates
# People laid out in one part of the PDF: each part costs xhtml2pdf about 0.1 s to start, and holds its layout in
# memory until it is written out.
PEOPLE_PER_PART = 50


@dataclass
class TeamSummary:
    team: Team
    people: int = 0
    required: int = 0
    compliant: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int | None:
        return self.compliant * 100 // self.required if self.required else None


@dataclass
class PersonSection:
    staff: object
    team: Team | None
    lines: list = field(default_factory=list)  # (what the page shows of a row, its label, its tag's colour)
    corrections: list = field(default_factory=list)  # void entries, each with the entry it voided


@dataclass(frozen=True)
class PackLine:
    """One requirement of one person in a pack, on either clock: what the person's page shows (the requirement,
    the dates and the evidence), its line in the CSV twin, its state that day and whether it counts as compliant."""

    shown: object  # asat.StatusAsAt or as_it_was.RunOnDay
    row: ExportRow
    state: str
    compliant: bool

    @property
    def label(self) -> str:
        return status.label(self.state, self.shown.paused_until)


def pack_people(team: Team, moment: Moment, basis: str):
    """(person, their team that day, [PackLine]) for everyone in `team` and below on `moment.day`, on the clock
    `basis`, from the facts recorded before `moment.cutoff`; in person order."""
    day = moment.day
    if basis == clocks.AS_IT_WAS:
        for staff, placed, lines in as_it_was.people_known([team], moment):
            yield (
                staff,
                placed,
                [
                    PackLine(
                        line,
                        run_row(staff.employee_number, staff.full_name, staff.employment_type, placed.name, line),
                        line.state,
                        line.compliant,
                    )
                    for line in lines
                ],
            )
        return
    for facts, rows in statuses_as_at(moment, teams=[team]):
        yield (
            facts.staff,
            facts.team,
            [
                PackLine(
                    row,
                    export_row(facts.staff, facts.team, row.requirement, row, day, row.evidence),
                    row.state(day),
                    row.standing.valid_on(day),
                )
                for row in rows
            ],
        )


def _people_in(team: Team, moment: Moment, basis: str):
    """The people a pack may hold, as a query of their ids: exactly them as recorded then; as it was, whoever may
    have been in the team that day (`as_it_was.candidates`), of whom those in post in it are the pack's."""
    if basis == clocks.AS_IT_WAS:
        return as_it_was.candidates([team], moment).values("pk")
    return roster_as_at(moment, teams=[team]).values("staff_id")


def ledger_head_at(cutoff: datetime.datetime) -> tuple[int, str]:
    """The chain's last entry recorded before `cutoff`: (its position, its hash)."""
    last = (
        EvidenceEntry.objects.filter(recorded_at__lt=cutoff).order_by("-seq").values_list("seq", "content_hash").first()
    )
    return last or (0, GENESIS_HASH)


def corrections_by_person(
    moment: Moment, team: Team, basis: str = clocks.AS_RECORDED
) -> dict[int, list[EvidenceEntry]]:
    """The corrections recorded before `moment` for the people in `team` (and below) then, by person, oldest first,
    each with the entry it voided. One query: corrections are few."""
    people = _people_in(team, moment, basis)
    corrections = (
        EvidenceEntry.objects.filter(source=EvidenceEntry.VOID, recorded_at__lt=moment.cutoff, staff_id__in=people)
        .select_related("voids", "requirement", "recorded_by")
        .order_by("seq")
    )
    found = {}
    for correction in corrections:
        found.setdefault(correction.staff_id, []).append(correction)
    return found


def csv_twin(team: Team, moment: Moment, basis: str = clocks.AS_RECORDED) -> bytes:
    """The pack's CSV, rebuilt from the records: as recorded then, the CSV export of `team` as at `moment`; as it
    was, the rows as it was on its day from the facts recorded before its cut-off."""
    if basis == clocks.AS_IT_WAS:
        return "".join(csv_lines(export_rows_known([team], moment))).encode("utf-8")
    return "".join(csv_lines(export_rows([team], moment))).encode("utf-8")


def pack_build(pack: EvidencePack) -> EvidencePack:
    """Read the records once: write the CSV twin line by line and lay out the people's evidence PDF a part at a time,
    reporting progress on the pack row as it goes. Then lay out the cover (its totals are known only at the end) and
    the manifest, and join the parts, page numbers stamped on. Memory stays flat whatever the pack's size: no more
    than one part's people and layout are held at once."""
    moment = Moment(pack.as_at, pack.cutoff)
    pack.status = EvidencePack.RUNNING
    # As it was, who was in the team that day is known only person by person: until then, whoever may have been.
    pack.people_total = _people_in(pack.team, moment, pack.basis).count()
    pack.save(update_fields=["status", "people_total"])
    digest, summaries, done = hashlib.sha256(), {}, 0
    corrections = corrections_by_person(moment, pack.team, pack.basis)
    common = {"pack": pack, "organisation_name": settings.PORTAL_ORGANISATION_NAME}
    with tempfile.TemporaryDirectory(prefix="pack-") as work, tempfile.TemporaryFile() as twin:
        parts = _Parts(Path(work), common)
        _write(twin, digest, csv_header())
        sections = []
        for done, (staff, team, lines) in enumerate(pack_people(pack.team, moment, pack.basis), start=1):
            section = PersonSection(staff, team, corrections=corrections.get(staff.pk, []))
            summary = summaries.setdefault(team.pk if team else None, TeamSummary(team))
            summary.people += 1
            for line in lines:
                _write(twin, digest, csv_line(line.row))
                section.lines.append((line.shown, line.label, status.TAG_COLOURS[line.state]))
                if line.state == status.PAUSED:
                    continue  # shown, but out of the figures
                summary.required += 1
                summary.compliant += line.compliant
                summary.overdue += line.state == status.OVERDUE
            sections.append(section)
            if len(sections) == PEOPLE_PER_PART:
                parts.people(sections)
                sections = []
            if done % PROGRESS_EVERY == 0:
                EvidencePack.objects.filter(pk=pack.pk).update(people_done=done)
        if sections or not parts.of_people:
            parts.people(sections)  # the last people, or "Nobody was in these teams at that date."
        pack.csv_sha256 = digest.hexdigest()
        pack.ledger_seq, pack.ledger_head_hash = ledger_head_at(pack.cutoff)
        twin.seek(0)
        pack.csv.save(f"{pack.stem}.csv", File(twin), save=False)
        pack.people_done = pack.people_total = done
        # The ledger's head as the pack is made, signed and published outside the database (a file and an email) as
        # well as printed in the pack: a later rewrite of anything up to it is named by verify_evidence --receipts.
        receipt, _ = receipt_publish(occasion=f"evidence pack {pack.stem}")
        cover = parts.render(
            "reports/pack/cover.html",
            basis_words=BASIS_WORDS[pack.basis],
            summaries=sorted(summaries.values(), key=lambda s: s.team.path if s.team else ""),
            totals=_totals(summaries.values()),
            generated_at=timezone.now(),
            generated_by=_name_of(pack.requested_by),
        )
        manifest = parts.render("reports/pack/manifest.html", receipt=receipt, basis_words=BASIS_WORDS[pack.basis])
        with tempfile.TemporaryFile() as joined:
            pdf_join([cover, *parts.of_people, manifest], joined)
            joined.seek(0)
            pack.pdf.save(f"{pack.stem}.pdf", File(joined), save=False)
    pack.status = EvidencePack.DONE
    pack.finished_at = timezone.now()
    pack.save()
    return pack


class _Parts:
    """The pack's parts, each laid out to a file of its own in `directory`, as pdf_join joins them."""

    def __init__(self, directory: Path, common: dict):
        self.directory, self.common = directory, common
        self.of_people: list[Path] = []  # the parts of people, in order
        self._count = 0

    def render(self, template: str, **context) -> Path:
        self._count += 1
        path = self.directory / f"part-{self._count:05d}.pdf"
        with path.open("wb") as handle:
            render_pdf_to(handle, template, {**self.common, **context})
        return path

    def people(self, sections: list[PersonSection]) -> None:
        self.of_people.append(self.render("reports/pack/people.html", people=sections, first=not self.of_people))


def _name_of(user) -> str:
    staff = StaffMember.objects.filter(user=user).first()
    return staff.full_name if staff else user.display_name


def _totals(summaries) -> TeamSummary:
    total = TeamSummary(team=None)
    for summary in summaries:
        total.people += summary.people
        total.required += summary.required
        total.compliant += summary.compliant
        total.overdue += summary.overdue
    return total


def _write(handle, digest, line: str) -> None:
    data = line.encode("utf-8")
    digest.update(data)
    handle.write(data)


# --- Reading a pack back ----------------------------------------------------------------------------------------

MANIFEST_FIELDS = {
    "team_code": r"Team code:\s*(\S+)",
    "as_at": r"As at:\s*(\d{4}-\d{2}-\d{2})",
    "cutoff": r"Evidence recorded before:\s*(\S+)",
    "csv_sha256": r"CSV SHA-256:\s*([0-9a-f\s]{64,})",
    "ledger_seq": r"Ledger head entry:\s*#(\d+)",
    "ledger_head_hash": r"Ledger head hash:\s*([0-9a-f\s]{64,})",
}
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
    manifest["as_at"] = datetime.date.fromisoformat(manifest["as_at"])
    manifest["cutoff"] = datetime.datetime.fromisoformat(manifest["cutoff"])
    named = re.search(BASIS_PATTERN, text)
    manifest["basis"] = BASIS_NAMED[named.group(1)] if named else clocks.AS_RECORDED
    return manifest


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
    chain = verify_chain()
    if not chain.intact:
        problems.append(f"The ledger's chain is broken at entry #{chain.broken_seq}: {chain.problem}.")
    entry = EvidenceEntry.objects.filter(seq=manifest["ledger_seq"]).values_list("content_hash", flat=True).first()
    expected = entry if manifest["ledger_seq"] else GENESIS_HASH
    if expected != manifest["ledger_head_hash"]:
        problems.append(f"Ledger entry #{manifest['ledger_seq']} does not have the hash the manifest names.")
    elif chain.intact:
        notes.append(f"The ledger is intact, and entry #{manifest['ledger_seq']} is the head the manifest names.")
    team = Team.objects.filter(code=manifest["team_code"]).first()
    if team is None:
        problems.append(f"There is no team with code {manifest['team_code']}.")
        return PackCheck(problems, notes)
    rebuilt = csv_twin(team, moment, basis)
    if rebuilt != csv_bytes:
        problems.append("Rebuilt from the ledger, the CSV differs: " + _first_difference(csv_bytes, rebuilt))
    elif basis == clocks.AS_IT_WAS:
        notes.append("Rebuilt now from the records made before its cut-off, the CSV comes out byte for byte the same.")
    else:
        notes.append("Rebuilt from the ledger now, the CSV comes out byte for byte the same.")
    since = changes_since(team, moment, now or timezone.now()) if basis == clocks.AS_IT_WAS else []
    return PackCheck(problems, notes, since)


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
    rounds = ReattestationRound.objects.filter(opened_at__gte=moment.cutoff).select_related("requirement")
    for round_ in rounds.order_by("opened_at"):
        if local_day(round_.opened_at) <= moment.day:
            lines.append(
                f"A re-attestation round for {round_.requirement.name}, for everyone it applies to: opened "
                f"{_when(round_.opened_at)}, took effect {local_day(round_.opened_at):%-d %B %Y}."
            )
    if explained < len(differing):
        lines.append(
            "For the others nothing recorded since explains it: a requirement's settings or a team may have "
            "changed since (they are read as they are now)."
        )
    return lines


def late_facts(staff_ids: list[int], cutoff: datetime.datetime) -> dict[int, list[LateFact]]:
    """The ledger entries and roster changes recorded at or after `cutoff` for `staff_ids`, by person, in the order
    they were recorded: two queries."""
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
    for change in changes:
        words = f"Roster change: in {change.team.name if change.team else 'no team'}, staff group "
        words += f"{change.staff_group or 'none'}, job title {change.job_title or 'none'}"
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
        reason = f" ({entry.reason})" if entry.reason else ""
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
