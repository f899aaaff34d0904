"""PDF evidence packs: what a part of the organisation could show for each requirement as at a moment, person by
person, with a manifest an auditor can check against the ledger (`manage.py verify_pack`).

The pack's CSV twin is exactly the CSV export of the same scope as at the same moment, so it can be rebuilt from
the ledger at any later time and must come out byte for byte the same. The manifest names the twin's SHA-256 and the
ledger chain's head (the last entry recorded before the moment), so an edit to the CSV, the ledger or the pack shows.
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
from portal.compliance.ledger import GENESIS_HASH
from portal.compliance.models import EvidenceEntry
from portal.compliance.receipts import receipt_publish
from portal.people.models import StaffMember, Team

from .exports import csv_header, csv_line, csv_lines, export_row, export_rows
from .models import EvidencePack
from .pdf import render_pdf_to
from .pdfjoin import pdf_join

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
    lines: list = field(default_factory=list)  # (StatusAsAt, label)
    corrections: list = field(default_factory=list)  # void entries, each with the entry it voided


def ledger_head_at(cutoff: datetime.datetime) -> tuple[int, str]:
    """The chain's last entry recorded before `cutoff`: (its position, its hash)."""
    last = (
        EvidenceEntry.objects.filter(recorded_at__lt=cutoff).order_by("-seq").values_list("seq", "content_hash").first()
    )
    return last or (0, GENESIS_HASH)


def corrections_by_person(moment: Moment, team: Team) -> dict[int, list[EvidenceEntry]]:
    """The corrections recorded before `moment` for the people in `team` (and below) then, by person, oldest first,
    each with the entry it voided. One query: corrections are few."""
    people = roster_as_at(moment, teams=[team]).values("staff_id")
    corrections = (
        EvidenceEntry.objects.filter(source=EvidenceEntry.VOID, recorded_at__lt=moment.cutoff, staff_id__in=people)
        .select_related("voids", "requirement", "recorded_by")
        .order_by("seq")
    )
    found = {}
    for correction in corrections:
        found.setdefault(correction.staff_id, []).append(correction)
    return found


def csv_twin(team: Team, moment: Moment) -> bytes:
    """The pack's CSV, rebuilt from the ledger: the CSV export of `team` as at `moment`."""
    return "".join(csv_lines(export_rows([team], moment))).encode("utf-8")


def pack_build(pack: EvidencePack) -> EvidencePack:
    """Read the records once: write the CSV twin line by line and lay out the people's evidence PDF a part at a time,
    reporting progress on the pack row as it goes. Then lay out the cover (its totals are known only at the end) and
    the manifest, and join the parts, page numbers stamped on. Memory stays flat whatever the pack's size: no more
    than one part's people and layout are held at once."""
    moment = Moment(pack.as_at, pack.cutoff)
    pack.status = EvidencePack.RUNNING
    pack.people_total = roster_as_at(moment, teams=[pack.team]).count()
    pack.save(update_fields=["status", "people_total"])
    digest, summaries, done = hashlib.sha256(), {}, 0
    corrections = corrections_by_person(moment, pack.team)
    common = {"pack": pack, "organisation_name": settings.PORTAL_ORGANISATION_NAME}
    with tempfile.TemporaryDirectory(prefix="pack-") as work, tempfile.TemporaryFile() as twin:
        parts = _Parts(Path(work), common)
        _write(twin, digest, csv_header())
        sections = []
        for done, (facts, rows) in enumerate(statuses_as_at(moment, teams=[pack.team]), start=1):
            section = PersonSection(facts.staff, facts.team, corrections=corrections.get(facts.staff_id, []))
            summary = summaries.setdefault(facts.team_id, TeamSummary(facts.team))
            summary.people += 1
            for row in rows:
                line = csv_line(export_row(facts.staff, facts.team, row.requirement, row, moment.day, row.evidence))
                _write(twin, digest, line)
                state = row.state(moment.day)
                section.lines.append((row, status.label(state, row.paused_until), status.TAG_COLOURS[state]))
                if state == status.PAUSED:
                    continue  # shown, but out of the figures
                summary.required += 1
                summary.compliant += row.standing.valid_on(moment.day)
                summary.overdue += state == status.OVERDUE
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
        pack.people_done = done
        # The ledger's head as the pack is made, signed and published outside the database (a file and an email) as
        # well as printed in the pack: a later rewrite of anything up to it is named by verify_evidence --receipts.
        receipt, _ = receipt_publish(occasion=f"evidence pack {pack.stem}")
        cover = parts.render(
            "reports/pack/cover.html",
            summaries=sorted(summaries.values(), key=lambda s: s.team.path if s.team else ""),
            totals=_totals(summaries.values()),
            generated_at=timezone.now(),
            generated_by=_name_of(pack.requested_by),
        )
        manifest = parts.render("reports/pack/manifest.html", receipt=receipt)
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
    return manifest


@dataclass
class PackCheck:
    problems: list[str]
    notes: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def pack_verify(pdf_path, csv_path) -> PackCheck:
    """Check a pack and its CSV twin against each other and against the ledger as it is now."""
    from portal.compliance.ledger import verify_chain

    problems, notes = [], []
    manifest = manifest_read(pdf_path)
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
    rebuilt = csv_twin(team, Moment(manifest["as_at"], manifest["cutoff"]))
    if rebuilt != csv_bytes:
        problems.append("Rebuilt from the ledger, the CSV differs: " + _first_difference(csv_bytes, rebuilt))
    else:
        notes.append("Rebuilt from the ledger now, the CSV comes out byte for byte the same.")
    return PackCheck(problems, notes)


def _first_difference(given: bytes, rebuilt: bytes) -> str:
    given_lines, rebuilt_lines = given.decode("utf-8").splitlines(), rebuilt.decode("utf-8").splitlines()
    for number, (a, b) in enumerate(zip(given_lines, rebuilt_lines, strict=False), start=1):
        if a != b:
            return f"line {number} reads {a!r} in the file but {b!r} from the ledger."
    return f"the file has {len(given_lines)} lines, the ledger gives {len(rebuilt_lines)}."
