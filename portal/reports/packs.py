"""PDF evidence packs: what a part of the organisation could show for each requirement on a day, person by person,
with a manifest an auditor can check against the ledger (`manage.py verify_pack`).

A pack reads its day on one of two clocks (`reports.basis`), and only the facts recorded before its cut-off:
- as recorded then: what the portal knew at the end of the day (`compliance.asat`); the cut-off is the end of the
  day (the moment of asking, for today);
- as it was: the day in effective time, from everything recorded before the moment the pack was asked for
  (`as_it_was.people_known`: the runs of the status table in effective time, worked out afresh from those facts).

Either way the pack's CSV twin can be rebuilt from the records at any later time at the same cut-off and must come
out byte for byte the same. The manifest names the pack's id, the basis, the cut-off, the twin's SHA-256 and the
ledger chain's head (the last entry recorded before the cut-off), so an edit to the CSV or the ledger shows; the
pack's row keeps the PDF's own SHA-256 (`pdf_sha256`), which its manifest cannot print, so an edit to the PDF shows
too. A pack as it was made today and the same pack made next month differ only if facts about the time before its day
were recorded in between; `pack_verify.pack_verify` names them (`changes_since`).
"""

import copy
import datetime
import hashlib
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.utils import timezone
from django.utils.text import capfirst

from portal.compliance import status
from portal.compliance.asat import Moment, roster_as_at, statuses_as_at, tree_as_at
from portal.compliance.ledger import GENESIS_HASH, settle
from portal.compliance.models import EvidenceEntry
from portal.compliance.pauses import paused_due
from portal.compliance.receipts import receipt_publish
from portal.people.history import identities_before
from portal.people.models import StaffMember, Team
from portal.people.team_history import tree_on

from . import as_it_was
from . import basis as clocks
from .exports import (
    EVERYTHING,
    ExportRow,
    Filters,
    csv_header,
    csv_line,
    csv_lines,
    export_row,
    export_rows,
    export_rows_known,
    run_row,
    status_meanings,
)
from .models import EvidencePack
from .pdf import footer_organisation, footer_team, render_pack_people_to, render_pdf_to
from .pdfjoin import pdf_join
from .selectors import due_soon_days

# The basis in words, as a pack says it: read at its cut-off, not "now" as a page's words (`basis.described`) say.
BASIS_WORDS = {
    clocks.AS_IT_WAS: "the day as it was in the world, from everything recorded before the cut-off: a completion "
    "counts from the day it was done and a move from the day it took effect, whenever they were recorded",
    clocks.AS_RECORDED: "what the portal showed at the end of the day, from what it had recorded by then: nothing "
    "recorded since changes it",
}
logger = logging.getLogger(__name__)

PROGRESS_EVERY = 25  # people between progress updates
# People laid out in one part of the PDF: each part holds its people and their layout in memory until it is written
# out.
PEOPLE_PER_PART = 50


@dataclass
class TeamSummary:
    team: Team
    people: int = 0
    required: int = 0
    compliant: int = 0
    overdue: int = 0
    paused: int = 0  # rows shown but left out of the figures

    @property
    def percent(self) -> int | None:
        return self.compliant * 100 // self.required if self.required else None


@dataclass
class PersonSection:
    staff: object
    team: Team | None
    # (what the page shows of a row, its label, its tag's colour, paused: the due date in words, `PackLine.due_words`)
    lines: list = field(default_factory=list)
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

    def due_words(self, day) -> str:
        """Paused on `day`, the due date the pause leaves, in words (`pauses.paused_due`), for the date column; else
        "" (the column gives the expiry or the due date as it is)."""
        return capfirst(paused_due(self.shown.due_on, day, month="%b")) if self.state == status.PAUSED else ""


def pack_people(team: Team, moment: Moment, basis: str, filters: Filters = EVERYTHING):
    """(person, their team that day, [PackLine]) for everyone in `team` and below on `moment.day` (in the staff group
    `filters` names, with the lines of the requirement it names), on the clock `basis`, from the facts recorded
    before `moment.cutoff`; in person order. "Below" and the team's name are the tree's as it stood on the day, as
    recorded before the cut-off (`people.team_history`), so a team renamed or moved since leaves the pack as it was;
    so are each person's number and name (`people.history.identities_before`)."""
    day = moment.day
    named = identities_before(moment.cutoff)
    if basis == clocks.AS_IT_WAS:
        for staff, placed, lines in as_it_was.people_known([team], moment, filters.requirement, filters.staff_group):
            staff = _as_named(staff, named.get(staff.pk))
            yield (
                staff,
                placed,
                [
                    PackLine(
                        line,
                        run_row(staff.employee_number, staff.full_name, staff.employment_known, placed.name, line),
                        line.state,
                        line.compliant,
                    )
                    for line in lines
                ],
            )
        return
    requirements = filters.requirements_on(moment)
    tree = tree_as_at(moment)
    people = statuses_as_at(moment, teams=[team], staff_group=filters.staff_group, requirements=requirements, tree=tree)
    for facts, rows in people:
        placed = tree.team(facts.team_id) if facts.team_id in tree else None
        who = named.get(facts.staff_id)
        yield (
            _as_named(facts.staff, who),
            placed,
            [
                PackLine(
                    row,
                    export_row(facts, placed, row.requirement, row, day, row.evidence, who),
                    row.state(day),
                    row.standing.valid_on(day),
                )
                for row in rows
            ],
        )


def _as_named(staff: StaffMember, who) -> StaffMember:
    """`staff` as the pack names them: with the number and name of `who` (their `IdentityChange` at the cut-off, if
    they have been renamed or renumbered since), in a copy the pack only reads."""
    if who is None:
        return staff
    named = copy.copy(staff)
    named.employee_number, named.first_name, named.last_name = who.employee_number, who.first_name, who.last_name
    return named


def _people_in(team: Team, moment: Moment, basis: str, filters: Filters = EVERYTHING):
    """The people a pack may hold, as a query of their ids: exactly them as recorded then; as it was, whoever may
    have been in the team that day (`as_it_was.candidates`), of whom those in post in it are the pack's."""
    if basis == clocks.AS_IT_WAS:
        return as_it_was.candidates([team], moment).values("pk")
    return roster_as_at(moment, teams=[team], staff_group=filters.staff_group).values("staff_id")


def ledger_head_at(cutoff: datetime.datetime) -> tuple[int, str]:
    """The chain's last entry recorded before `cutoff`: (its position, its hash)."""
    last = (
        EvidenceEntry.objects.filter(recorded_at__lt=cutoff).order_by("-seq").values_list("seq", "content_hash").first()
    )
    return last or (0, GENESIS_HASH)


def corrections_by_person(
    moment: Moment, team: Team, basis: str = clocks.AS_RECORDED, filters: Filters = EVERYTHING
) -> dict[int, list[EvidenceEntry]]:
    """The corrections recorded before `moment` for the people in `team` (and below) then, by person, oldest first,
    each with the entry it voided (of the requirement `filters` names, if it names one). One query: corrections are
    few."""
    people = _people_in(team, moment, basis, filters)
    corrections = EvidenceEntry.objects.filter(
        source=EvidenceEntry.VOID, recorded_at__lt=moment.cutoff, staff_id__in=people
    )
    if filters.requirement is not None:
        corrections = corrections.filter(requirement_id=filters.requirement.pk)
    corrections = corrections.select_related("voids", "requirement", "recorded_by").order_by("seq")
    found = {}
    for correction in corrections:
        found.setdefault(correction.staff_id, []).append(correction)
    return found


def csv_twin(
    team: Team,
    moment: Moment,
    basis: str = clocks.AS_RECORDED,
    filters: Filters = EVERYTHING,
    names: dict[str, str] | None = None,
) -> bytes:
    """The pack's CSV, rebuilt from the records: as recorded then, the CSV export of `team` as at `moment`; as it
    was, the rows as it was on its day from the facts recorded before its cut-off; narrowed by `filters`, which its
    first line names (the requirement as named that day, from its history recorded before the cut-off:
    `Filters.named_on`, as the pack was made). The rows name each team as the tree's history recorded before the
    cut-off has it that day; `names` (name from the history -> name then) corrects the teams renamed before the tree
    had a history, which the audit log alone remembers (`pack_verify.renamed_since`)."""
    if basis == clocks.AS_IT_WAS:
        rows = export_rows_known([team], moment, filters)
    else:
        rows = export_rows([team], moment, filters=filters)
    if names:
        rows = (row._replace(team=names.get(row.team, row.team)) for row in rows)
    return "".join(csv_lines(rows, filters=filters.named_on(moment.day, moment.cutoff))).encode("utf-8")


def pack_build(pack: EvidencePack) -> EvidencePack:
    """Read the records once: write the CSV twin line by line and lay out the people's evidence PDF a part at a time,
    reporting progress on the pack row as it goes. Then lay out the cover (its totals are known only at the end) and
    the manifest, and join the parts, page numbers stamped on. Memory stays flat whatever the pack's size: no more
    than one part's people and layout are held at once. The row is written for this making alone (`pack.making`):
    overtaken by a later one (made again while this one seemed stopped), it deletes its files and leaves the row."""
    moment = Moment(pack.as_at, pack.cutoff)
    settle()  # every entry recorded before the cut-off is committed, and read below
    pack.status, pack.progress_at = EvidencePack.RUNNING, timezone.now()
    # As it was, who was in the team that day is known only person by person: until then, whoever may have been.
    filters = pack.filters
    # The pack names the requirement as it was named on its day, as its twin rebuilt later must (`csv_twin`).
    named = pack.filters_named()
    pack.people_total = _people_in(pack.team, moment, pack.basis, filters).count()
    # This making's own (`EvidencePack.making`): a later making, asked for while this one seemed stopped, overtakes it.
    ours = EvidencePack.objects.filter(pk=pack.pk, making=pack.making)
    ours.update(status=pack.status, progress_at=pack.progress_at, people_total=pack.people_total)
    digest, summaries, done = hashlib.sha256(), {}, 0
    corrections = corrections_by_person(moment, pack.team, pack.basis, filters)
    # The team as named on the pack's day, on its clock (as the summary and the rows name it), on every page.
    team_then = tree_on(pack.as_at, recorded_before=pack.cutoff).name(pack.team_id) or pack.team.name
    common = {"pack": pack, "organisation_name": settings.PORTAL_ORGANISATION_NAME, "team_name": team_then}
    with tempfile.TemporaryDirectory(prefix="pack-") as work, tempfile.TemporaryFile() as twin:
        parts = _Parts(Path(work), common)
        _write(twin, digest, csv_header(named))
        sections = []
        for done, (staff, team, lines) in enumerate(pack_people(pack.team, moment, pack.basis, filters), start=1):
            section = PersonSection(staff, team, corrections=corrections.get(staff.pk, []))
            summary = summaries.setdefault(team.pk if team else None, TeamSummary(team))
            summary.people += 1
            for line in lines:
                _write(twin, digest, csv_line(line.row))
                colour = status.TAG_COLOURS[line.state]
                section.lines.append((line.shown, line.label, colour, line.due_words(moment.day)))
                if line.state == status.PAUSED:
                    summary.paused += 1
                    continue  # shown, but out of the figures
                summary.required += 1
                summary.compliant += line.compliant
                summary.overdue += line.state == status.OVERDUE
            sections.append(section)
            if len(sections) == PEOPLE_PER_PART:
                parts.people(sections)
                sections = []
            if done % PROGRESS_EVERY == 0:  # and a sign of life (`EvidencePack.stalled`)
                ours.update(people_done=done, progress_at=timezone.now())
        if sections or not parts.of_people:
            parts.people(sections)  # the last people, or "Nobody was in these teams at that date."
        pack.csv_sha256 = digest.hexdigest()
        pack.ledger_seq, pack.ledger_head_hash = ledger_head_at(pack.cutoff)
        twin.seek(0)
        pack.csv.save(f"{pack.stem}.csv", File(twin), save=False)
        pack.people_done = pack.people_total = done
        # The ledger's head as the pack is made, signed and published outside the database (a file and an email) as
        # well as printed in the pack: a later rewrite of anything up to it is named by verify_evidence --receipts.
        receipt, _ = receipt_publish(occasion=f"evidence pack {pack.stem}", mail_failure_logged=True)
        cover = parts.render(
            "reports/pack/cover.html",
            basis_words=BASIS_WORDS[pack.basis],
            filters=named,
            # In tree order as it stood on the day (the pages name each team as it was then), not by today's paths.
            summaries=sorted(summaries.values(), key=lambda s: s.team.tree_order if s.team else ()),
            totals=_totals(summaries.values()),
            generated_at=timezone.now(),
            generated_by=_name_of(pack.requested_by),
            statuses=status_meanings(due_soon_days()),
        )
        manifest = parts.render(
            "reports/pack/manifest.html", receipt=receipt, basis_words=BASIS_WORDS[pack.basis], filters=named
        )
        with tempfile.TemporaryFile() as joined:
            pdf_join([cover, *parts.of_people, manifest], joined)
            pack.pdf_sha256 = sha256_of(joined)
            pack.pdf.save(f"{pack.stem}.pdf", File(joined), save=False)
    pack.status, pack.finished_at = EvidencePack.DONE, timezone.now()
    made = {name: getattr(pack, name) for name in MADE}
    if not ours.update(**made, pdf=pack.pdf.name, csv=pack.csv.name):
        # Overtaken: the later making's files and row stand; this one's files are named nowhere, so they go.
        logger.info("Evidence pack %s: making %s was overtaken by a later one, and kept nothing", pack.pk, pack.making)
        for written in (pack.csv, pack.pdf):
            written.storage.delete(written.name)
        pack.refresh_from_db()
    return pack


# What a making writes to the pack's row when it has made the files, with their names.
MADE = [
    "status",
    "finished_at",
    "progress_at",
    "people_done",
    "people_total",
    "csv_sha256",
    "pdf_sha256",
    "ledger_seq",
    "ledger_head_hash",
]


class _Parts:
    """The pack's parts, each laid out to a file of its own in `directory`, as pdf_join joins them."""

    def __init__(self, directory: Path, common: dict):
        self.directory, self.common = directory, common
        self.of_people: list[Path] = []  # the parts of people, in order
        self._count = 0

    def render(self, template: str, **context) -> Path:
        """A part laid out from `template` (the cover, the manifest)."""
        path = self._next()
        with path.open("wb") as handle:
            footer = {  # as render_pack_people_to's footer
                "footer_organisation": footer_organisation(self.common["organisation_name"]),
                "footer_team": footer_team(self.common["team_name"]),
            }
            render_pdf_to(handle, template, {**self.common, **footer, **context})
        return path

    def people(self, sections: list[PersonSection]) -> None:
        """A part of people, drawn without a template (pdf.render_pack_people_to), in a third of the time."""
        path = self._next()
        with path.open("wb") as handle:
            render_pack_people_to(handle, **self.common, people=sections, first=not self.of_people)
        self.of_people.append(path)

    def _next(self) -> Path:
        self._count += 1
        return self.directory / f"part-{self._count:05d}.pdf"


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
        total.paused += summary.paused
    return total


def sha256_of(handle) -> str:
    """The SHA-256 of the file `handle` holds, read from its start a block at a time; left at its start."""
    handle.seek(0)
    digest = hashlib.sha256()
    while block := handle.read(1 << 20):
        digest.update(block)
    handle.seek(0)
    return digest.hexdigest()


def _write(handle, digest, line: str) -> None:
    data = line.encode("utf-8")
    digest.update(data)
    handle.write(data)
