from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from modules.blocks import BODY_FEATURES, ModuleBodyBlock, PolicySectionBlock, SectionChangeBlock
from modules.forms import PolicyPageForm
from modules.rich_text import NamedRichTextBlock, NamedRichTextPanel
from portal.compliance.diff import changed_clauses
from portal.compliance.models import PolicySnapshot, Requirement, RequirementStatus
from portal.lib.clauses import clause_anchor, parse_clause_list, validate_clause_list
from portal.people.roles import staff_for_user
from portal.reports.next_steps import next_steps_for_user


class HomePage(Page):
    """The portal's front page: what staff must do, with links to the policy and the modules."""

    intro = RichTextField(features=BODY_FEATURES, blank=True)

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["modules.PolicyPage", "modules.ModuleIndexPage", "modules.ContentPage"]
    max_count = 1
    content_panels = [*Page.content_panels, NamedRichTextPanel("intro")]

    def route(self, request, path_components):
        """Wagtail's routing, with the child page read in its own type in one query rather than two."""
        if not path_components:
            return super().route(request, path_components)
        child_types = ("policypage", "moduleindexpage", "contentpage")  # subpage_types, as reverse relations
        subpage = self.get_children().filter(slug=path_components[0]).select_related(*child_types).first()
        if subpage is None:
            raise Http404
        specific = next((getattr(subpage, name) for name in child_types if hasattr(subpage, name)), None)
        specific = specific or subpage.specific  # a page of another type: Wagtail's second query
        specific._cached_parent_obj = self  # as Wagtail's route does: the breadcrumbs need no query for it
        return specific.route(request, path_components[1:])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["policies"] = PolicyPage.objects.child_of(self).live().order_by("title")
        context["module_indexes"] = ModuleIndexPage.objects.child_of(self).live()
        context["next_steps"] = next_steps_for_user(request.user)
        return context


class ContentPage(Page):
    """A plain information page, such as the accessibility statement."""

    body = StreamField(
        [("text", NamedRichTextBlock(features=BODY_FEATURES, template="modules/blocks/text.html"))],
        blank=True,
    )
    parent_page_types = ["modules.HomePage"]
    subpage_types = []
    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]


class ScheduledVersionError(Exception):
    """Another version of a policy was to be published while one is scheduled to go live (`PolicyPage.publish`)."""


class PolicyPage(Page):
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

    def _clean_version_change(self):
        """Any change to the text asks, section by section, material (everyone re-attests by a deadline) or minor; and
        a new version takes a number no version of this policy has had."""
        from modules.versions import policy_sections

        latest = self.latest_snapshot()
        if latest is None:
            return
        errors = {}
        reused = self._version_label_used_before(latest)
        if reused:
            errors["version_label"] = reused
        changed = changed_clauses(latest.sections, policy_sections(self))
        if not changed:
            if errors:
                raise ValidationError(errors)
            return
        if self.version_label.strip() == latest.version_label:
            errors["version_label"] = (
                f"The text has changed since version {latest.version_label} was published "
                f"(section {', '.join(changed)}): give this version a new number."
            )
        declared = self.declared_changes(latest)
        missing = [number for number in changed if number not in declared]
        unanswered = [number for number in changed if number in declared and not declared[number]["change"]]
        unexplained = [
            number for number, answer in declared.items() if answer["change"] == self.MATERIAL and not answer["reason"]
        ]
        extra = [number for number in declared if number not in changed]
        problems = []
        if missing:
            problems.append(
                f"Say whether the change to section {', '.join(missing)} is material or minor: add a row for each."
            )
        if unanswered:
            problems.append(f"Choose material or minor for section {', '.join(unanswered)}.")
        if unexplained:
            problems.append(f"Give the reason for the material change to section {', '.join(unexplained)}.")
        if extra:
            problems.append(f"Section {', '.join(extra)} has not changed since version {latest.version_label}.")
        if problems:
            errors["section_changes"] = " ".join(problems)
        material = any(answer["change"] == self.MATERIAL for answer in declared.values())
        if material:
            problem = self._reattest_deadline_problem()
            if problem:
                errors["reattest_deadline"] = problem
        if self.reopen_modules and self.change_base == latest.content_hash and not material:
            errors["reopen_modules"] = (
                "Modules are completed again only after a material change: untick this, or mark a section material."
            )
        if errors:
            raise ValidationError(errors)

    def _version_label_used_before(self, latest: PolicySnapshot) -> str:
        """Why this version's number cannot be used, if a version published before the latest had it. A number names
        one text: attestations and reports name a version by it. Publishing an earlier revision again (Wagtail's
        revisions let an editor go back to 1.0 after 2.0) brings its number back, and would freeze a second "1.0"
        after 2.0. The latest version's own number is checked with the text (`_clean_version_change`)."""
        label = self.version_label.strip()
        if label == latest.version_label:
            return ""
        earlier = PolicySnapshot.objects.filter(page_id=self.pk, version_label=label).order_by("created_at").first()
        if earlier is None:
            return ""
        return (
            f"Version {label} of this policy was published on {timezone.localdate(earlier.created_at):%-d %B %Y}: "
            f"each version needs a number of its own. Give this version a new number (the latest published is "
            f"{latest.version_label})."
        )

    def _reattest_deadline_problem(self) -> str:
        """A material version's re-attest by date must be after the day it goes live: today, or the go-live date it
        is scheduled for (a date before that would have passed when staff are first asked). Wagtail checks the page
        again as it publishes a revision saved earlier (a scheduled go-live, a workflow approval): the date was
        checked when the revision was saved, and one passed since is moved on publishing (`modules.publishing`)
        rather than stopping the version going live with nobody there to change it."""
        if self.reattest_deadline is None:
            return "For a material change, set a future date by which everyone must re-attest."
        if self._publishing_a_saved_revision():
            return ""
        if self.reattest_deadline <= timezone.localdate():
            return "For a material change, set a future date by which everyone must re-attest."
        if self.go_live_at and self.go_live_at > timezone.now():
            go_live = timezone.localdate(self.go_live_at)
            if self.reattest_deadline <= go_live:
                return (
                    f"Set a re-attest by date after the go-live date: this version goes live on {go_live:%-d %B %Y}, "
                    f"so staff cannot re-attest it by {self.reattest_deadline:%-d %B %Y}."
                )
        return ""

    def publish(self, revision, *args, **kwargs):
        """Wagtail's publish, refused for every version but the scheduled one while a version is scheduled to go live.

        Publishing any revision makes Wagtail drop every other revision's schedule without a word, so the version
        an editor scheduled (a material change, say, with its re-attest by date) would never go live and nobody
        would know. An editor who publishes while a version is scheduled expects one of the two to go live, not to
        lose the other, so the choice is theirs to make: cancel the schedule (Wagtail's "Cancel scheduled publish"),
        then publish. Wagtail's edit view already refuses to save a page while a revision is scheduled (its
        ScheduledForPublishLock; `wagtail_hooks` names the version there); this closes the other ways a revision
        is published: a workflow approval and the bulk publish action (each publishes the latest revision, which a
        draft saved since in code would make another than the scheduled one; `import_policy --into` refuses to save
        one then, as the edit view does), and code.
        Refused before anything is written: the schedule, the live version and the evidence stay as they were."""
        notice = self.scheduled_version_notice(publishing=revision)
        if notice:
            raise ScheduledVersionError(notice)
        return super().publish(revision, *args, **kwargs)

    def scheduled_version_notice(self, publishing=None) -> str:
        """Why no other version can be published now, naming the version scheduled to go live and when, and what to
        do: "" when none is scheduled, or when `publishing` (a revision) is the scheduled one. One query."""
        scheduled = self.scheduled_revision if self.pk else None
        if scheduled is None or (publishing is not None and publishing.pk == scheduled.pk):
            return ""
        go_live = timezone.localtime(scheduled.approved_go_live_at)
        return (
            f"Version {scheduled.content.get('version_label', '')} of this policy is scheduled to go live on "
            f"{go_live:%-d %B %Y} at {go_live:%H:%M}, so no other version can be published before then. To publish "
            "another version, first cancel the scheduled publish (“Cancel scheduled publish” on the policy's edit "
            "page), then publish it."
        )

    def _publishing_a_saved_revision(self) -> bool:
        """Whether Wagtail is publishing this version from its revision: it makes the revision the live one before
        saving the page. While an editor edits, the live revision is the published version, which has another
        number (or the version number is refused)."""
        live = self.live_revision
        return live is not None and live.content.get("version_label") == self.version_label


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


class ModuleIndexPage(Page):
    intro = RichTextField(features=BODY_FEATURES, blank=True)

    parent_page_types = ["modules.HomePage"]
    subpage_types = ["modules.ModulePage"]
    content_panels = [*Page.content_panels, NamedRichTextPanel("intro")]

    def route(self, request, path_components):
        """Wagtail's routing, with the module (every child is one) and its policy read in one query."""
        if not path_components:
            return super().route(request, path_components)
        module = ModulePage.objects.child_of(self).filter(slug=path_components[0]).select_related("policy").first()
        if module is None:
            return super().route(request, path_components)  # a page of another type, or none (404)
        module._cached_parent_obj = self
        return module.route(request, path_components[1:])

    def get_context(self, request, *args, **kwargs):
        from modules.progress import module_progress_list_for_user

        context = super().get_context(request, *args, **kwargs)
        context["progress_list"] = module_progress_list_for_user(request.user, parent=self)
        return context


class ModulePage(Page):
    """A scenario module: text, key points and scenarios drawn from the policy, ending in its quiz."""

    summary = models.CharField(max_length=300, help_text="One sentence shown in the module list.")
    policy = models.ForeignKey(
        PolicyPage,
        on_delete=models.PROTECT,
        related_name="modules",
        help_text="The policy this module teaches; its clause numbers refer to this policy's sections.",
    )
    estimated_minutes = models.PositiveSmallIntegerField(default=15)
    clauses = models.CharField(
        max_length=200,
        validators=[validate_clause_list],
        help_text="The policy sections the module covers: 6.1, 6.2",
    )
    body = StreamField(ModuleBodyBlock())

    parent_page_types = ["modules.ModuleIndexPage"]
    subpage_types = []
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("policy"),
        FieldPanel("estimated_minutes"),
        FieldPanel("clauses"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]

    @property
    def clause_list(self) -> list[str]:
        return parse_clause_list(self.clauses)

    def scenario_blocks(self):
        """Every scenario, as editors see them; staff see `learner_scenario_blocks()`."""
        return [child for child in self.body if child.block_type == "scenario"]

    def scenario_content_hashes(self) -> dict[str, str]:
        """Each scenario's `ScenarioBlock.content_hash`, by block id, of the content this instance holds. Read from the
        stream's raw data, so the module's other blocks (its quiz) are not loaded."""
        block = self.body.stream_block.child_blocks["scenario"]
        return {
            raw["id"]: block.content_hash(block.to_python(raw["value"]))
            for raw in self.body.raw_data
            if raw["type"] == "scenario"
        }

    def scenario_block(self, block_id: str):
        return next((child for child in self.scenario_blocks() if child.id == block_id), None)

    def held_scenario_ids(self) -> set[str]:
        """Scenarios on a clause a material policy change touched, held back from staff until an editor reviews them
        (as flagged questions are held back from quizzes), so nobody is taught the superseded rule. One query."""
        from modules.progress import held_scenario_ids_by_page

        return held_scenario_ids_by_page([self.pk])[self.pk]

    def learner_scenario_blocks(self):
        """The scenarios staff work through: every scenario but those held back for review."""
        held = self.held_scenario_ids()
        return [child for child in self.scenario_blocks() if child.id not in held]

    @property
    def quiz(self):
        child = next((child for child in self.body if child.block_type == "quiz"), None)
        return child.value["quiz"] if child else None

    def get_context(self, request, *args, **kwargs):
        from modules.progress import module_progress_for_user

        context = super().get_context(request, *args, **kwargs)
        progress = module_progress_for_user(request.user, self)
        unanswered = request.GET.get("unanswered")
        context["progress"] = progress
        context["policy"] = self.policy
        # An editor's preview shows the held scenarios too, marked as such; staff never see them.
        shown_held = progress.held_block_ids if getattr(request, "is_preview", False) else set()
        context["body_items"] = [
            {
                "block": child,
                "state": progress.scenarios.get(child.id),
                "unanswered": child.id == unanswered,
                "held": child.id in shown_held,
            }
            for child in self.body
            if child.block_type != "scenario" or child.id not in progress.held_block_ids or child.id in shown_held
        ]
        unanswered_block = self.scenario_block(unanswered) if unanswered in progress.scenarios else None
        context["errors"] = (
            [(f"scenario-{unanswered}-option-0", f"{unanswered_block.value['title']}: choose an option")]
            if unanswered_block
            else []
        )
        return context
