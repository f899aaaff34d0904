from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import CompetenceMapping, Requirement


class RequirementViewSet(SnippetViewSet):
    """HR (and CMS editors they trust) manage requirements in the CMS: what, for whom, how often."""

    model = Requirement
    icon = "list-ul"
    menu_label = "Requirements"
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["name", "kind", "renewal_months", "new_starter_days", "active"]
    list_filter = ["kind", "active"]
    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("page"),
        MultiFieldPanel(
            [FieldPanel("applies_to_everyone"), FieldPanel("staff_groups"), FieldPanel("teams")], heading="Who"
        ),
        MultiFieldPanel([FieldPanel("renewal_months"), FieldPanel("new_starter_days")], heading="How often"),
        FieldPanel("active"),
    ]


class CompetenceMappingViewSet(SnippetViewSet):
    model = CompetenceMapping
    icon = "link"
    menu_label = "Course mappings"
    list_display = ["competence_name", "requirement"]


register_snippet(RequirementViewSet)
register_snippet(CompetenceMappingViewSet)
