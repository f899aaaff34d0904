"""The policy page: a policy's numbered sections, its front matter and its revisions-and-amendments table."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from modules.blocks import BODY_FEATURES, PolicySectionBlock, SectionChangeBlock
from modules.forms import PolicyPageForm
from modules.rich_text import NamedRichTextPanel
from portal.compliance.models import PolicySnapshot, Requirement, RequirementStatus
from portal.lib.clauses import clause_anchor
from portal.people.roles import staff_for_user

from .policy_versioning import PolicyVersioning


class PolicyPage(PolicyVersioning, Page):
    """A policy staff must know and follow, as numbered sections each addressable by its number."""

    version_label = models.CharField("version", max_length=20, help_text="For example 1.0 or 2.1.")
    effective_date = models.DateField()
    next_review_date = models.DateField()
    owner_team = models.CharField(max_length=120, help_text="The team that owns and reviews the policy.")
    summary = RichTextField(features=BODY_FEATURES, blank=True)
    # The document's front matter, as import_policy reads it.
    applies_to = models.CharField(
        max_length=300, blank=True, help_text="Whom the policy applies to: for example “all employees of the CCG”."
    )
    related_policies = models.TextField(
        blank=True,
        help_text="The policies it is read with, one on each line: the list its sections may call “the related "
        "policies listed on the front page”.",
    )
    front_matter = RichTextField(
        "other front matter",
        features=BODY_FEATURES,
        blank=True,
        help_text="The document's other opening lines, as written: such as the organisation that issues it.",
    )
    sections = StreamField([("section", PolicySectionBlock())])
    MATERIAL, MINOR = SectionChangeBlock.MATERIAL, SectionChangeBlock.MINOR
    section_changes = StreamField(
        [("change", SectionChangeBlock())],
        blank=True,
        verbose_name="what changed in this version",
        help_text="One row for each section whose text changed since the published version: material or minor.",
    )
    # The content hash of the published version these answers are about. Answers saved against an earlier version
    # (the last publish, an autosave) are stale: the form starts blank and publishing ignores them.
    change_base = models.CharField(max_length=64, blank=True)
    reattest_deadline = models.DateField("re-attest by", null=True, blank=True)
    reopen_modules = models.BooleanField(
        "ask staff to complete the linked modules again",
        default=False,
        help_text="Only for a material change. Staff who completed a module that teaches a materially changed "
        "section (by its sections, scenarios or questions) complete it again by the re-attest date.",
    )

    parent_page_types = ["modules.HomePage"]
    subpage_types = []
    base_form_class = PolicyPageForm
    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("version_label"),
                FieldPanel("effective_date"),
                FieldPanel("next_review_date"),
                FieldPanel("owner_team"),
            ],
            heading="Version and ownership",
        ),
        MultiFieldPanel(
            [FieldPanel("applies_to"), FieldPanel("related_policies"), NamedRichTextPanel("front_matter")],
            heading="Front matter",
        ),
        NamedRichTextPanel("summary"),
        FieldPanel("sections"),
        MultiFieldPanel(
            [
                FieldPanel("section_changes"),
                FieldPanel("reattest_deadline"),
                FieldPanel("reopen_modules"),
                FieldPanel("change_base", widget=forms.HiddenInput),
            ],
            heading="Publishing a new version",
            help_text="Asked whenever the text differs from the published version, section by section.",
        ),
        InlinePanel("amendments", heading="Policy revisions and amendments", label="Amendment"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("sections")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        staff = staff_for_user(request.user) if request.user.is_authenticated else None
        context["attestation"] = self.attestation_for(staff) if staff else None
        return context

    @property
    def related_policy_list(self) -> list[str]:
        return [line.strip() for line in self.related_policies.splitlines() if line.strip()]

    def attestation_for(self, staff) -> dict | None:
        """The published version and `staff`'s attestation of it: when they attested it, or the requirement to
        attest it under; None when they are not asked to attest this policy. Two queries."""
        latest = self.latest_snapshot()
        if latest is not None and latest.version_label != self.version_label:
            return None  # a preview of a version not yet published: its text cannot be attested, nor another's here
        rows = RequirementStatus.objects.filter(
            staff=staff,
            requirement__page_id=self.pk,
            requirement__kind=Requirement.ATTEST_POLICY,
            requirement__active=True,
        ).select_related("evidence")
        rows = sorted(rows, key=lambda row: row.requirement_id)
        if latest is None or not rows:
            return None
        attested = next((row for row in rows if row.evidence and row.evidence.snapshot_id == latest.pk), None)
        return {
            "version": latest.version_label,
            "attested_on": timezone.localdate(attested.evidence.completed_at) if attested else None,
            "requirement_id": rows[0].requirement_id,
        }

    def review_overdue(self, today=None) -> bool:
        """Past its next review date: editors (the CMS dashboard, the page's edit view) and HR (the requirements page)
        see "Review overdue since <date>"; staff do not."""
        return self.next_review_date < (today or timezone.localdate())

    def revision_rows(self) -> list[dict]:
        """The revisions-and-amendments table: rows imported or typed in the CMS, then a row for each version
        published after the first, kept automatically from its snapshot (one query each)."""
        rows = [
            {
                "version": a.version,
                "date": a.date,
                "sections": a.section,
                "change": "",
                "reason": a.reason,
                "by": a.approved_by,
            }
            for a in self.amendments.all()
        ]
        snapshots = (
            PolicySnapshot.objects.filter(page_id=self.pk).select_related("created_by").order_by("created_at", "pk")
        )
        for snapshot in list(snapshots)[1:]:
            material = [c for c in snapshot.changes if c.get("change") == self.MATERIAL]
            minor = [c for c in snapshot.changes if c.get("change") != self.MATERIAL]
            parts = [f"{', '.join(c['number'] for c in material)} (material)"] if material else []
            parts += [f"{', '.join(c['number'] for c in minor)} (minor)"] if minor else []
            rows.append(
                {
                    "version": snapshot.version_label,
                    "date": timezone.localdate(snapshot.created_at),
                    "sections": "; ".join(parts),
                    "change": "Material" if snapshot.material else "Minor",
                    "reason": "; ".join(f"{c['number']}: {c['reason']}" for c in material + minor if c.get("reason")),
                    "by": snapshot.created_by.get_full_name() if snapshot.created_by else "",
                }
            )
        return rows

    def section_numbers(self) -> list[str]:
        return [block.value["number"] for block in self.sections]

    def clause_url(self, number: str) -> str:
        return f"{self.url}#{clause_anchor(number)}"

    ALIAS_REFUSED = (
        "A policy cannot have an alias: each version is frozen once, on the policy's own page, and staff attest to "
        "that page. Link to the policy instead."
    )

    def clean(self):
        super().clean()
        if self.alias_of_id:
            # Wagtail checks a page as an alias of it is first added (not as the alias follows the original).
            raise ValidationError(self.ALIAS_REFUSED)
        self._clean_version_change()
        numbers = self.section_numbers()
        duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
        if duplicates:
            raise ValidationError(
                {"sections": f"Each section number must be used once; repeated: {', '.join(duplicates)}."}
            )

    def save(self, *args, **kwargs):
        if self.alias_of_id and self._state.adding:
            # Wagtail adds the pages below a page aliased without cleaning them, so `clean` does not see a policy
            # among them; the CMS's doors refuse such a branch first (`aliasing`), and this any other way in. Raised as
            # `full_clean` would, for the callers that read its `message_dict`.
            raise ValidationError({NON_FIELD_ERRORS: f"“{self.title}” is a policy. {self.ALIAS_REFUSED}"})
        return super().save(*args, **kwargs)

    def latest_snapshot(self) -> PolicySnapshot | None:
        if not self.pk:
            return None
        return PolicySnapshot.objects.filter(page_id=self.pk).order_by("-created_at", "-pk").first()

    def declared_changes(self, latest: PolicySnapshot | None) -> dict[str, dict]:
        """The editor's answers for this version, by section number; none when they were given about an earlier
        version (carried over from the last publish or an autosave)."""
        if latest is None or self.change_base != latest.content_hash:
            return {}
        return {
            child.value["section"]: {"change": child.value["change"], "reason": (child.value["reason"] or "").strip()}
            for child in self.section_changes
            if child.block_type == "change"
        }


class PolicyAmendment(Orderable):
    page = ParentalKey(PolicyPage, on_delete=models.CASCADE, related_name="amendments")
    version = models.CharField(max_length=20, blank=True)
    date = models.DateField()
    section = models.CharField(max_length=40)
    reason = models.CharField("reason for change", max_length=500)
    approved_by = models.CharField(max_length=200)

    panels = [
        FieldPanel("version"),
        FieldPanel("date"),
        FieldPanel("section"),
        FieldPanel("reason"),
        FieldPanel("approved_by"),
    ]
