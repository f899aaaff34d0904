"""The evidence ledger: policy versions and their re-attestation rounds, the hash-chained entries, the chain's head."""

import datetime
import hashlib

from django.conf import settings
from django.db import models

from portal.people.models import StaffMember

from .requirements import Requirement


def snapshot_hash(*, title: str, text: str, recipe: int) -> str:
    """The SHA-256 of a policy version by `recipe` (`PolicySnapshot.hash_recipe`): the text alone (versions frozen
    before the title was part of it), or the title, a blank line, then the text."""
    hashed = text if recipe == PolicySnapshot.TEXT_ONLY else f"{title}\n\n{text}"
    return hashlib.sha256(hashed.encode("utf-8")).hexdigest()


class PolicySnapshot(models.Model):
    """The exact text of a policy version as published, its title included: what an attestation names. Never
    edited."""

    TEXT_ONLY, TITLE_AND_TEXT = 1, 2
    HASH_RECIPES = [
        (TEXT_ONLY, "The text, section by section (versions frozen before 5 December 2026)"),
        (TITLE_AND_TEXT, "The title, a blank line, then the text"),
    ]

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.PROTECT, related_name="+")
    version_label = models.CharField(max_length=20)
    effective_date = models.DateField()
    title = models.CharField(max_length=255)
    text = models.TextField(help_text="The policy as plain text, section by section.")
    sections = models.JSONField(help_text="[{number, heading, text}] as published.")
    content_hash = models.CharField(max_length=64)
    # Kept with the row so that every version, old or new, is checked by the recipe it was frozen with: the hash of
    # a row is never recomputed in place (`snapshot_hash`, `content_hash_matches`).
    hash_recipe = models.PositiveSmallIntegerField(choices=HASH_RECIPES, help_text="What the content hash covers.")
    material = models.BooleanField(default=True)
    change_reason = models.TextField(blank=True)
    changes = models.JSONField(
        default=list,
        blank=True,
        help_text="[{number, heading, kind, change, reason}]: each section changed since the version before, with "
        "the editor's answer for it (material or minor) as published.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["page", "-created_at"]
        get_latest_by = "created_at"
        constraints = [
            # A version's number names one text of the policy: what an attestation and a report call it by. The
            # policy page refuses a number used before with a message (modules PolicyPage.clean); this holds for
            # every other way a version is frozen.
            models.UniqueConstraint(fields=["page", "version_label"], name="one_snapshot_per_version_label"),
        ]

    def __str__(self):
        return f"{self.title} version {self.version_label}"

    @property
    def attestation_ref(self) -> str:
        """How an attestation's ledger entry names this version (its `source_ref`, which the chain's hash covers):
        title, number and the whole SHA-256 of the title and text. `policy_texts_verify` reads it back. The whole
        hash, not its start: whoever can write the database could otherwise try texts until one's hash began the
        same (12 characters are 48 bits, hours of one graphics card) and put it under every attestation unseen. A
        title too long to fit beside it is cut with "…": the hash covers the title whole."""
        tail = f" version {self.version_label}, text {self.content_hash}"
        room = EvidenceEntry._meta.get_field("source_ref").max_length - len(tail)
        title = self.title if len(self.title) <= room else f"{self.title[: room - 1]}…"
        return f"{title}{tail}"

    @property
    def attestation_ref_before_whole_hash(self) -> str:
        """How attestations recorded before 5 December 2026 name this version: with the first 12 characters of the
        hash (`attestation_ref`). Their entries are never rewritten, so `policy_texts_verify` still accepts it."""
        return f"{self.title} version {self.version_label}, text {self.content_hash[:12]}"

    def content_hash_matches(self) -> bool:
        """Whether the title and text held still give the hash frozen with them, by the row's own recipe."""
        return snapshot_hash(title=self.title, text=self.text, recipe=self.hash_recipe) == self.content_hash

    def material_changes(self) -> list[dict]:
        return [change for change in self.changes if change.get("change") == "material"]

    def minor_changes(self) -> list[dict]:
        return [change for change in self.changes if change.get("change") != "material"]


class RoundQuerySet(models.QuerySet):
    def in_force(self, recorded_before: datetime.datetime | None = None):
        """The rounds that ask something of people: not withdrawn (`RoundWithdrawal`). With `recorded_before`, as the
        portal knew them then: opened before that moment, and not withdrawn before it."""
        if recorded_before is None:
            return self.filter(withdrawal__isnull=True)
        return self.filter(opened_at__lt=recorded_before).filter(
            models.Q(withdrawal__isnull=True) | models.Q(withdrawal__withdrawn_at__gte=recorded_before)
        )

    def known(self, recorded_before: datetime.datetime | None = None):
        """Every round opened (with `recorded_before`, opened before that moment), those withdrawn (by then) marked
        `withdrawn_then`: a withdrawn round asks nobody, but its version is still the text in force, so whoever
        attested one it says the same as (`not_asked_again`) stays released (`projection.standing_from`)."""
        if recorded_before is None:
            withdrawn = models.When(withdrawal__isnull=False, then=True)
        else:
            self = self.filter(opened_at__lt=recorded_before)
            withdrawn = models.When(withdrawal__withdrawn_at__lt=recorded_before, then=True)
        return self.annotate(withdrawn_then=models.Case(withdrawn, default=False, output_field=models.BooleanField()))


class ReattestationRound(models.Model):
    """Opened by a material change: everyone in scope must attest to `snapshot` (or later) by `deadline`; or, for a
    module the editor chose to reopen, complete the module again after the round opened. Never changed once opened:
    one opened in error is withdrawn by a `RoundWithdrawal` row, after which it asks nothing of anyone."""

    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="rounds")
    snapshot = models.ForeignKey(PolicySnapshot, on_delete=models.PROTECT, related_name="rounds")
    deadline = models.DateField()
    reason = models.TextField()
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The earlier versions of the policy (their PolicySnapshot ids) from which `snapshot` differs in no section
    # materially, as worked out when the round opened (`services.reattestation_round_open`): a version bringing back
    # the text someone attested (an editor undoing a material change) asks nothing more of them.
    not_asked_again = models.JSONField(default=list, blank=True)
    # Read through `RoundQuerySet.known`: withdrawn as the reading knows it. Through `in_force`, never.
    withdrawn_then = False

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self):
        return f"Re-attest to {self.snapshot} by {self.deadline:%d %b %Y}"

    def outdates(self, *, kind: str, snapshot_id: int | None, completed_at: datetime.datetime) -> bool:
        """Whether evidence of a requirement of `kind` is older than this round, so must be done again: an
        attestation to a version before the round's (by the version it names), a module completed before the moment
        the round opened (a module completion names no version, so its time says which teaching it had: one done
        that morning, before the version went live in the afternoon, had the old)."""
        if kind == Requirement.ATTEST_POLICY:
            return (snapshot_id or 0) < self.snapshot_id
        return completed_at < self.opened_at

    def releases(self, *, kind: str, snapshot_id: int | None) -> bool:
        """Whether this round lets an attestation to `snapshot_id` count as it stands, whatever earlier rounds asked:
        the version it asks for says materially what that one said. A later round still asks again, by its own
        deadline (`projection.standing_from`)."""
        return kind == Requirement.ATTEST_POLICY and snapshot_id is not None and snapshot_id in self.not_asked_again

    def versions_not_asked_again(self):
        return PolicySnapshot.objects.filter(pk__in=self.not_asked_again).order_by("created_at", "pk")


class RoundWithdrawal(models.Model):
    """HR's word that a re-attestation round was opened in error (a change marked material by mistake, a wrong
    deadline): from then on it asks nothing of anyone. A row of its own, never changed, so the round itself is
    never changed either and a report as recorded before `withdrawn_at` still sees it open (`RoundQuerySet.in_force`).
    One per round (the one-to-one refuses a second)."""

    round = models.OneToOneField(ReattestationRound, on_delete=models.PROTECT, related_name="withdrawal")
    withdrawn_at = models.DateTimeField()
    # Who, by name as well, is in the audit log line written with it (`services.reattestation_round_withdraw`).
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField()

    def __str__(self):
        return f"{self.round} withdrawn on {self.withdrawn_at:%d %b %Y}"


class EvidenceEntry(models.Model):
    """One fact in the append-only, hash-chained evidence ledger. Database triggers refuse UPDATE and DELETE."""

    QUIZ_ATTEMPT, MODULE, ATTESTATION, IMPORT, CERTIFICATE, VOID, PAUSE = (
        "quiz_attempt",
        "module",
        "attestation",
        "import",
        "certificate",
        "void",
        "pause",
    )
    SOURCE_CHOICES = [
        (MODULE, "Portal module completed (quiz passed)"),
        (QUIZ_ATTEMPT, "Quiz passed"),
        (ATTESTATION, "Attestation"),
        (IMPORT, "Imported completion"),
        (CERTIFICATE, "Certificate verified by HR"),
        (VOID, "Correction: voids an earlier entry"),
        # completed_at: the first day paused; expires_on: the last (None: no return date yet); source_ref: the
        # reason's code and the pause it belongs to (`pauses.pause_ref`); reason: HR's words for "other".
        (PAUSE, "Pause: the clock stops for a while"),
    ]

    seq = models.PositiveBigIntegerField(unique=True, help_text="Position in the hash chain, from 1.")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="evidence")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="evidence")
    completed_at = models.DateTimeField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True, help_text="Set when the source states its own expiry.")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=20, choices=SOURCE_CHOICES)
    source_ref = models.CharField(max_length=300, help_text="e.g. attempt 12; import batch 3 line 41.")
    snapshot = models.ForeignKey(PolicySnapshot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    voids = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="voided_by")
    reason = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    prev_hash = models.CharField(max_length=64)
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["staff", "requirement", "seq"]),
            models.Index(fields=["recorded_at"]),
        ]
        verbose_name_plural = "evidence entries"

    def __str__(self):
        return f"#{self.seq} {self.get_source_display()} for {self.staff_id} on {self.requirement_id}"

    @property
    def pause_reason(self) -> str:
        """For a pause, the reason's category (HR's own words for "other" are shown to HR only)."""
        from ..pauses import REASON_LABELS

        return REASON_LABELS.get(self.source_ref.partition(":")[0], "Other")

    @property
    def reference_without_reason(self) -> str:
        """`source_ref` as an evidence pack prints it: a pause's begins with its reason's code, which only HR and
        the person see (`pauses.note_without_reason`), so a pause is named by its own reference alone."""
        if self.source == self.PAUSE:
            return f"pause {self.source_ref.partition(':')[2]}"
        return self.source_ref

    @property
    def reason_without_pause_reason(self) -> str:
        """`reason` as a manager or an evidence pack reads it (`pauses.note_without_reason`): a correction of a pause
        without the pause's reason; a pause's own (HR's words for "other") not at all."""
        from ..pauses import note_without_reason

        return "" if self.source == self.PAUSE else note_without_reason(self.reason)


class LedgerHead(models.Model):
    """One row: the chain's latest hash and length. Locking it serialises appends across processes."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64)

    def __str__(self):
        return f"Ledger head at #{self.seq}"
