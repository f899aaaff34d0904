"""Rich-text editors in the CMS that screen readers can name.

Wagtail's Draftail editor leaves its editable area (a contenteditable role="textbox") without an accessible name: a
page field's <label> points at the hidden input that carries the value, and a block's label at nothing. axe reports
it as aria-input-field-name (serious; WCAG 4.1.2). Draftail accepts the name as an option, and Wagtail passes the
widget's options through to it, so the portal's rich-text fields and blocks give their label as the name.
"""

from django.utils.functional import cached_property
from django.utils.text import capfirst
from wagtail import blocks
from wagtail.admin.panels import FieldPanel


def named_rich_text_area(label: str, features: list[str] | None):
    """Wagtail's rich-text editor widget, its editable area named `label`."""
    from wagtail.admin.rich_text import get_rich_text_editor_widget  # needs the app registry, so not at import

    widget = get_rich_text_editor_widget(features=features)
    widget.options = {**widget.options, "ariaLabel": str(label)}
    return widget


class NamedRichTextBlock(blocks.RichTextBlock):
    """A RichTextBlock whose editor is named by the block's label."""

    # Only the editor's widget differs, so migrations record the block as Wagtail's own.
    canonical_module_path = "wagtail.blocks.RichTextBlock"

    @cached_property
    def field(self):
        field = super().field
        field.widget = named_rich_text_area(self.label, self.features)
        return field


class NamedRichTextPanel(FieldPanel):
    """A FieldPanel for a RichTextField whose editor is named by the field's label."""

    def on_model_bound(self):
        super().on_model_bound()
        if self.widget is None:
            self.widget = named_rich_text_area(capfirst(self.db_field.verbose_name), self.db_field.features)
