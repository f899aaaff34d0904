from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from modules.blocks import BODY_FEATURES, ModuleBodyBlock, PolicySectionBlock
from portal.compliance.models import PolicySnapshot
from portal.lib.clauses import clause_anchor, parse_clause_list, validate_clause_list


class HomePage(Page):
    """The portal's front page: what staff must do, with links to the policy and the modules."""

    intro = RichTextField(features=BODY_FEATURES, blank=True)

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["modules.PolicyPage", "modules.ModuleIndexPage", "modules.ContentPage"]
    max_count = 1
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["policies"] = PolicyPage.objects.child_of(self).live().order_by("title")
        context["module_indexes"] = ModuleIndexPage.objects.child_of(self).live()
        return context


class ContentPage(Page):
    """A plain information page, such as the accessibility statement."""

    body = StreamField(
        [("text", blocks.RichTextBlock(features=BODY_FEATURES, template="modules/blocks/text.html"))],
        blank=True,
    )
    parent_page_types = ["modules.HomePage"]
    subpage_types = []
    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]


class PolicyPage(Page):
    """A policy staff must know and follow, as numbered sections each addressable by its number."""

    version_label = models.CharField("version", max_length=20, help_text="For example 1.0 or 2.1.")
    effective_date = models.DateField()
    next_review_date = models.DateField()
    owner_team = models.CharField(max_length=120, help_text="The team that owns and reviews the policy.")
    summary = RichTextField(features=BODY_FEATURES, blank=True)
    sections = StreamField([("section", PolicySectionBlock())])
    MATERIAL, MINOR = "material", "minor"
    change_type = models.CharField(
        "this version's change",
        max_length=10,
        choices=[
            (MATERIAL, "Material change: everyone must attest again by the deadline"),
            (MINOR, "Minor change (typos, formatting): existing attestations still count"),
        ],
        blank=True,
        help_text="Asked when you publish a new version label.",
    )
    change_reason = models.TextField("reason for the change", blank=True)
    reattest_deadline = models.DateField("re-attest by", null=True, blank=True)

    parent_page_types = ["modules.HomePage"]
    subpage_types = []
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
        FieldPanel("summary"),
        FieldPanel("sections"),
        MultiFieldPanel(
            [FieldPanel("change_type"), FieldPanel("change_reason"), FieldPanel("reattest_deadline")],
            heading="Publishing a new version",
        ),
        InlinePanel("amendments", heading="Policy revisions and amendments", label="Amendment"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("sections")]

    def review_overdue(self, today=None) -> bool:
        """Past its next review date: editors (the CMS dashboard, the page's edit view) and HR (the requirements page)
        see "Review overdue since <date>"; staff do not."""
        return self.next_review_date < (today or timezone.localdate())

    def section_numbers(self) -> list[str]:
        return [block.value["number"] for block in self.sections]

    def clause_url(self, number: str) -> str:
        return f"{self.url}#{clause_anchor(number)}"

    def clean(self):
        super().clean()
        self._clean_version_change()
        numbers = self.section_numbers()
        duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
        if duplicates:
            raise ValidationError(
                {"sections": f"Each section number must be used once; repeated: {', '.join(duplicates)}."}
            )

    def _clean_version_change(self):
        """A new version label asks the editor: material change (everyone re-attests by a deadline) or minor."""

        latest = (
            PolicySnapshot.objects.filter(page_id=self.pk).order_by("-created_at", "-pk").first() if self.pk else None
        )
        if latest is None or latest.version_label == self.version_label:
            return
        errors = {}
        if not self.change_type:
            errors["change_type"] = (
                f"You changed the version from {latest.version_label} to {self.version_label}: "
                "say whether this is a material or a minor change."
            )
        elif not self.change_reason.strip():
            errors["change_reason"] = "Give the reason for the change. Staff see it."
        if self.change_type == self.MATERIAL and (
            self.reattest_deadline is None or self.reattest_deadline <= timezone.localdate()
        ):
            errors["reattest_deadline"] = "For a material change, set a future date by which everyone must re-attest."
        if errors:
            raise ValidationError(errors)


class PolicyAmendment(Orderable):
    page = ParentalKey(PolicyPage, on_delete=models.CASCADE, related_name="amendments")
    date = models.DateField()
    section = models.CharField(max_length=40)
    reason = models.CharField("reason for change", max_length=500)
    approved_by = models.CharField(max_length=200)

    panels = [FieldPanel("date"), FieldPanel("section"), FieldPanel("reason"), FieldPanel("approved_by")]


class ModuleIndexPage(Page):
    intro = RichTextField(features=BODY_FEATURES, blank=True)

    parent_page_types = ["modules.HomePage"]
    subpage_types = ["modules.ModulePage"]
    content_panels = [*Page.content_panels, FieldPanel("intro")]

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
        return [child for child in self.body if child.block_type == "scenario"]

    def scenario_block(self, block_id: str):
        return next((child for child in self.scenario_blocks() if child.id == block_id), None)

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
        context["body_items"] = [
            {"block": child, "state": progress.scenarios.get(child.id), "unanswered": child.id == unanswered}
            for child in self.body
        ]
        unanswered_block = self.scenario_block(unanswered) if unanswered else None
        context["errors"] = (
            [(f"scenario-{unanswered}-option-0", f"{unanswered_block.value['title']}: choose an option")]
            if unanswered_block
            else []
        )
        return context
