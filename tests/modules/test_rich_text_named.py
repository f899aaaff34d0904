"""Every rich-text editor the portal's blocks put in the CMS is named by its label for screen readers (Wagtail's
Draftail leaves it unnamed: axe's aria-input-field-name), and migrations still see Wagtail's own RichTextBlock."""

import pytest

from modules.blocks import KeyPointBlock, ModuleBodyBlock, PolicySectionBlock, ScenarioBlock
from modules.models import ContentPage, HomePage, ModuleIndexPage
from modules.rich_text import NamedRichTextBlock, NamedRichTextPanel


@pytest.mark.parametrize(
    ("block", "name", "label"),
    [
        (PolicySectionBlock(), "body", "Body"),
        (PolicySectionBlock(), "summary", "Summary"),
        (KeyPointBlock(), "text", "Text"),
        (ScenarioBlock(), "situation", "Situation"),
        (ModuleBodyBlock(), "text", "Text"),
    ],
)
def test_each_rich_text_editor_is_named_by_its_label(block, name, label):
    child = block.child_blocks[name]
    assert isinstance(child, NamedRichTextBlock)
    assert child.field.widget.options["ariaLabel"] == label
    assert "bold" in str(child.field.widget.options)  # the features are kept


def test_migrations_record_the_block_as_wagtails_rich_text_block():
    path, _args, kwargs = PolicySectionBlock().child_blocks["body"].deconstruct()
    assert path == "wagtail.blocks.RichTextBlock" and kwargs["required"] is False


@pytest.mark.parametrize(
    ("model", "field", "label"), [(HomePage, "intro", "Intro"), (ModuleIndexPage, "intro", "Intro")]
)
def test_the_other_pages_rich_text_fields_are_named_too(model, field, label):
    panel = next(p for p in model.content_panels if getattr(p, "field_name", None) == field)
    bound = panel.bind_to_model(model)
    assert isinstance(bound, NamedRichTextPanel) and bound.widget.options["ariaLabel"] == label


def test_a_content_pages_text_blocks_are_named():
    child = ContentPage.body.field.stream_block.child_blocks["text"]
    assert isinstance(child, NamedRichTextBlock) and child.field.widget.options["ariaLabel"] == "Text"
