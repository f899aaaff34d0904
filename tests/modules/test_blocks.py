"""Block validation and rendering need no database except where a document or snippet is involved."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail import blocks as wagtail_blocks
from wagtail.documents.models import Document

from modules import blocks
from tests.factories import scenario_value


def test_a_scenario_needs_an_option_the_policy_expects():
    block = blocks.ScenarioBlock()
    value = scenario_value()
    for option in value["options"]:
        option["expected"] = False
    with pytest.raises(ValidationError) as error:
        block.clean(block.to_python(value))
    assert "at least one option as what the policy expects" in str(error.value.block_errors["options"])


def test_a_scenario_with_an_expected_option_is_valid():
    block = blocks.ScenarioBlock()
    cleaned = block.clean(block.to_python(scenario_value()))
    assert cleaned["clauses"] == "6.2, 9"


@pytest.mark.parametrize(("count", "valid"), [(1, False), (2, True), (4, True), (5, False)])
def test_a_scenario_has_two_to_four_options(count, valid):
    block = blocks.ScenarioBlock()
    value = scenario_value()
    value["options"] = [{"text": f"O{i}", "expected": i == 0, "feedback": "<p>f</p>"} for i in range(count)]
    if valid:
        block.clean(block.to_python(value))
    else:
        with pytest.raises(ValidationError):
            block.clean(block.to_python(value))


@pytest.mark.parametrize(("raw", "cleaned"), [("6.2,9, 6.2", "6.2, 9"), ("7.3", "7.3"), ("10.1; 12.1", "10.1, 12.1")])
def test_clause_lists_are_normalised(raw, cleaned):
    assert blocks.ClauseListBlock().clean(raw) == cleaned


@pytest.mark.parametrize("raw", ["six point two", "6.2, x", "", "6..2"])
def test_clause_lists_that_are_not_numbers_are_refused(raw):
    with pytest.raises(ValidationError):
        blocks.ClauseListBlock().clean(raw)


def _document(db, name):
    return Document.objects.create(title=name, file=ContentFile(b"data", name=name))


def test_a_video_needs_webvtt_captions(db):
    block = blocks.VideoBlock()
    value = {
        "title": "Captions",
        "video": _document(db, "intro.mp4"),
        "captions": _document(db, "intro.srt"),
        "caption": "An introduction",
        "transcript": "<p>Everything said.</p>",
    }
    with pytest.raises(ValidationError) as error:
        block.clean(block.to_python({**value, "video": value["video"].pk, "captions": value["captions"].pk}))
    assert "not a WebVTT" in str(error.value.block_errors["captions"])
    good = {**value, "video": value["video"].pk, "captions": _document(db, "intro.vtt").pk}
    block.clean(block.to_python(good))


def test_a_module_body_allows_one_quiz_and_needs_a_scenario_or_a_quiz():
    body = blocks.ModuleBodyBlock()
    with pytest.raises(ValidationError) as error:
        body.clean(body.to_python([{"type": "text", "value": "<p>Just text</p>"}]))
    assert "at least one scenario or a quiz" in str(error.value.non_block_errors)
    assert body.meta.block_counts == {"quiz": {"max_num": 1}}


EVERY_BLOCK = [
    *blocks.ModuleBodyBlock().child_blocks.values(),
    blocks.PolicySectionBlock(),
]


@pytest.mark.parametrize("block", EVERY_BLOCK, ids=[b.name or type(b).__name__ for b in EVERY_BLOCK])
def test_every_block_is_complete_for_editors(block):
    assert block.meta.icon and block.meta.icon != "placeholder"
    assert getattr(block.meta, "template", None) or getattr(block.meta, "preview_template", None)
    assert block.get_description()
    if not isinstance(block, wagtail_blocks.RichTextBlock):
        assert block.get_preview_value()


@pytest.mark.parametrize(
    "block",
    [blocks.ScenarioBlock(), blocks.KeyPointBlock(), blocks.PolicySectionBlock()],
    ids=["scenario", "key point", "policy section"],
)
def test_block_previews_render(block):
    html = block.render(block.get_preview_value(), context={"policy": None})
    assert block.get_preview_value().get("heading", block.get_preview_value().get("title", "")) in html


def test_the_policy_section_block_renders_its_anchor():
    block = blocks.PolicySectionBlock()
    html = block.render(block.to_python({"number": "6.2", "heading": "Best Practice", "body": "<p>x</p>"}))
    assert 'id="clause-6-2"' in html and "6.2 Best Practice" in html
