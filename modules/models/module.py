"""The scenario modules: the index of modules and the module page, which teaches a policy's sections."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.shortcuts import redirect
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index

from modules.blocks import BODY_FEATURES, ModuleBodyBlock
from modules.rich_text import NamedRichTextPanel
from portal.lib.clauses import parse_clause_list, validate_clause_list

from .policy import PolicyPage


class ModuleIndexPage(Page):
    intro = RichTextField(features=BODY_FEATURES, blank=True)

    parent_page_types = ["modules.HomePage"]
    subpage_types = ["modules.ModulePage"]
    content_panels = [*Page.content_panels, NamedRichTextPanel("intro")]

    @classmethod
    def the_list(cls) -> "ModuleIndexPage | None":
        """The published module index page the portal's links to the list of modules lead to (the first in the tree
        that staff can open, before one kept behind a password or for certain groups, on it or a page above it), or
        None: none is published yet. One query."""
        kept = PageViewRestriction.objects.filter(
            restriction_type__in=[PageViewRestriction.PASSWORD, PageViewRestriction.GROUPS],
            page__path=Substr(OuterRef("path"), 1, Length("page__path")),
        )
        return cls.objects.live().annotate(kept=Exists(kept)).order_by("kept", "path").first()

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

    ALIAS_REFUSED = (
        "A module cannot have an alias: answers, attempts and completions on an alias are its own, so they would "
        "count for nothing towards the module. Link to the module instead."
    )

    def clean(self):
        super().clean()
        if self.alias_of_id and self._state.adding:
            # Wagtail checks a page as an alias of it is first added. One made before they were refused is still
            # saved as it follows its module, is moved or unpublished (`aliasing`).
            raise ValidationError(self.ALIAS_REFUSED)

    def save(self, *args, **kwargs):
        if self.alias_of_id and self._state.adding:
            # Wagtail adds the pages below a page aliased without cleaning them; the CMS's doors refuse such a branch
            # first (`aliasing`), and this any other way in, raised as `full_clean` would.
            raise ValidationError({NON_FIELD_ERRORS: f"“{self.title}” is a module. {self.ALIAS_REFUSED}"})
        return super().save(*args, **kwargs)

    def serve(self, request, *args, **kwargs):
        if self.alias_of_id:
            # An alias made before they were refused: its visitors work on the module itself (`aliasing`).
            module = ModulePage.objects.live().filter(pk=self.alias_of_id).first()
            if module is None:
                raise Http404("No module here.")
            return redirect(module.url)
        return super().serve(request, *args, **kwargs)

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

    def scenario_content_hash_sets(self) -> dict[str, set[str]]:
        """Each scenario's `ScenarioBlock.content_hashes`, by block id: a flag whose hash is one of them is about the
        content the scenario holds."""
        block = self.body.stream_block.child_blocks["scenario"]
        return {
            raw["id"]: block.content_hashes(block.to_python(raw["value"]))
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
