"""Every rich-text editor the portal's blocks put in the CMS is named by its label for screen readers (Wagtail's
Draftail leaves it unnamed: axe's aria-input-field-name), and migrations still see Wagtail's own RichTextBlock."""

import pytest

from modules.blocks import KeyPointBlock, ModuleBodyBlock, PolicySectionBlock, ScenarioBlock
from modules.rich_text import NamedRichTextBlock


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
