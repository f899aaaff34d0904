"""The site's frame: the front page and plain information pages (the policy page is in `policy`, the modules' pages
in `module`)."""

from django.http import Http404
from django.utils.functional import SimpleLazyObject
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from modules.blocks import BODY_FEATURES
from modules.rich_text import NamedRichTextBlock, NamedRichTextPanel
from portal.compliance.reminder_runs import reminder_run_warning
from portal.reports.next_steps import next_steps_for_user

from .policy_versioning import ScheduledVersionError  # noqa: F401 (defined here until the split; imported from here)


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
        # Imported here, not above: the page types register in the order they always have, the front page first.
        from .module import ModuleIndexPage
        from .policy import PolicyPage

        context = super().get_context(request, *args, **kwargs)
        context["policies"] = PolicyPage.objects.child_of(self).live().order_by("title")
        context["module_indexes"] = ModuleIndexPage.objects.child_of(self).live()
        context["next_steps"] = next_steps_for_user(request.user)
        # For HR only (the template asks the session's roles first, which costs no query): the page they land on
        # after signing in says when the daily reminders are not going out. One query, and none for anyone else.
        context["reminder_warning"] = SimpleLazyObject(reminder_run_warning)
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
