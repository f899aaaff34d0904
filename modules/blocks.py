"""StreamField blocks for policy pages and scenario modules.

Every block has an icon, a template, a description and a preview value, and checks its cross-field rules in
clean() so an editor cannot publish a scenario with no right answer or a video without captions.
"""

import hashlib
import json
import random
import re

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from modules.rich_text import NamedRichTextBlock
from portal.lib.clauses import parse_clause_list, validate_clause, validate_clause_list

# A rich text paragraph's key, as it reads inside the JSON `ScenarioBlock.content_hash` hashes (its quotes escaped).
PARAGRAPH_KEY = re.compile(r' data-block-key=\\"[^"\\]*\\"')

INLINE_FEATURES = ["bold", "italic", "link", "ol", "ul"]
BODY_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul"]


class ClauseBlock(blocks.CharBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("validators", [validate_clause])
        kwargs.setdefault("help_text", "The policy section number, for example 6.2.")
        super().__init__(**kwargs)


class ClauseListBlock(blocks.CharBlock):
    """Comma-separated clause numbers ("6.2, 9"); the value stays a string so it diffs and searches simply."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 80)
        kwargs.setdefault("validators", [validate_clause_list])
        kwargs.setdefault("help_text", "Policy section numbers this is about, separated by commas: 6.2, 9")
        super().__init__(**kwargs)

    def clean(self, value):
        return ", ".join(parse_clause_list(super().clean(value)))


class PolicySectionBlock(blocks.StructBlock):
    number = ClauseBlock(help_text="The section number as the policy writes it: 6 or 6.2.")
    heading = blocks.CharBlock(max_length=200)
    body = NamedRichTextBlock(
        features=BODY_FEATURES, required=False, help_text="The ratified text, as approved: what staff attest to."
    )
    summary = NamedRichTextBlock(
        features=BODY_FEATURES,
        required=False,
        help_text="Optional: the section in plain English, shown beside the ratified text as a reading aid. "
        "Staff attest to the ratified text, not to this.",
    )

    class Meta:
        icon = "list-ol"
        template = "modules/blocks/policy_section.html"
        description = "A numbered section of the policy; other content refers to it by its number."
        preview_value = {
            "number": "9",
            "heading": "Responding to the media",
            "body": "<p>If a journalist contacts you about something you posted, tell the Communications and "
            "Engagement Team before you reply.</p>",
        }


class SectionChangeBlock(blocks.StructBlock):
    """One section's change in a new policy version: material (everyone re-attests, with a reason) or minor."""

    MATERIAL, MINOR = "material", "minor"
    section = ClauseBlock(help_text="The section that changed, for example 10.1.")
    change = blocks.ChoiceBlock(
        choices=[
            (MATERIAL, "Material: what staff must do has changed; they re-attest"),
            (MINOR, "Minor: wording, typo or formatting; the meaning is unchanged"),
        ],
        required=False,
        help_text="Choose for each section; nothing is chosen for you.",
    )
    reason = blocks.TextBlock(required=False, help_text="Staff see it. Required for a material change.")

    class Meta:
        icon = "edit"
        template = "modules/blocks/section_change.html"
        description = "Whether a changed section's change is material or minor, and why."
        preview_value = {"section": "10.1", "change": "material", "reason": "Accounts now need 250 followers."}

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        if not value.get("change"):
            errors["change"] = ErrorList(["Choose material or minor for this section."])
        elif value["change"] == self.MATERIAL and not (value.get("reason") or "").strip():
            errors["reason"] = ErrorList(["Give the reason for a material change. Staff see it."])
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class KeyPointBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = NamedRichTextBlock(features=INLINE_FEATURES)
    clause = ClauseBlock(required=False)

    class Meta:
        icon = "pick"
        template = "modules/blocks/key_point.html"
        description = "One rule to remember, highlighted, with the clause it comes from."
        preview_value = {
            "heading": "Speak for yourself",
            "text": "<p>Say who you are and that the views are your own, not the CCG's.</p>",
            "clause": "6.2",
        }


class ScenarioOptionBlock(blocks.StructBlock):
    text = blocks.TextBlock(help_text="What the person might do.")
    expected = blocks.BooleanBlock(required=False, help_text="Tick if this is what the policy expects.")
    feedback = NamedRichTextBlock(features=INLINE_FEATURES, help_text="Why it is, or is not, what the policy expects.")

    class Meta:
        icon = "radio-full"
        label = "Option"


class ScenarioBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    situation = NamedRichTextBlock(features=INLINE_FEATURES, help_text="The situation, in a few sentences.")
    question = blocks.CharBlock(max_length=200, default="What should you do?")
    options = blocks.ListBlock(ScenarioOptionBlock(), min_num=2, max_num=4)
    clauses = ClauseListBlock()

    class Meta:
        icon = "help"
        template = "modules/blocks/scenario.html"
        description = "A realistic situation with 2 to 4 choices, each with feedback, tied to policy clauses."
        preview_value = {
            "title": "A journalist messages you about a post",
            "situation": "<p>A local reporter messages you about a post you shared on the new clinic.</p>",
            "question": "What should you do?",
            "options": [
                {"text": "Reply with the CCG's view.", "expected": False, "feedback": "<p>Refer it on.</p>"},
                {
                    "text": "Tell the Communications and Engagement Team and ask their advice.",
                    "expected": True,
                    "feedback": "<p>Right: the policy asks you to notify them and seek advice.</p>",
                },
            ],
            "clauses": "6.2, 9",
        }

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        user = getattr(context.get("request"), "user", None)
        block_id = context.get("block_id")
        order = range(len(value["options"]))
        if block_id and user is not None and user.is_authenticated:
            order = option_order(len(value["options"]), person=user.pk, block_id=block_id)
        # (index as stored, option): the index is what the form posts, whatever position the option is shown in.
        context["ordered_options"] = [(index, value["options"][index]) for index in order]
        # The form says which scenario it showed: the index it posts means another option once the editor changes
        # the options (`scenario_response_record`).
        context["shown"] = self.content_hash(value)
        return context

    def content_hash(self, value) -> str:
        """A hash of what the scenario says (title, situation, question, options and their feedback, clauses), the same
        however the stream stores it: a review flag keeps it to tell whether the scenario was changed since."""
        content = json.dumps(self.get_api_representation(value), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(content.encode()).hexdigest()

    def content_hashes(self, value) -> set[str]:
        """`content_hash`, and the hash of the same words without the paragraph keys (data-block-key) the CMS's rich
        text editor adds as it saves: a scenario written by code (the demo's modules) and flagged before an editor
        first saved it in the CMS says the same after. A flag whose hash is either is about this content."""
        content = json.dumps(self.get_api_representation(value), sort_keys=True, separators=(",", ":"))
        unkeyed = PARAGRAPH_KEY.sub("", content)
        return {hashlib.sha256(content.encode()).hexdigest(), hashlib.sha256(unkeyed.encode()).hexdigest()}

    def clean(self, value):
        value = super().clean(value)
        if not any(option["expected"] for option in value["options"]):
            raise StructBlockValidationError(
                block_errors={"options": ValidationError("Mark at least one option as what the policy expects.")}
            )
        return value


def option_order(count: int, *, person: int, block_id: str) -> list[int]:
    """The order one person sees a scenario's options in: shuffled so that where an option sits gives nothing away,
    as quiz choices are, and the same on every visit (seeded by the person and the scenario), so a reload or a
    second try never moves them about."""
    order = list(range(count))
    random.Random(f"{person}:{block_id}").shuffle(order)
    return order


class VideoBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    video = DocumentChooserBlock(help_text="An MP4 or WebM file.")
    captions = DocumentChooserBlock(help_text="Closed captions as a WebVTT (.vtt) file. The policy requires them.")
    caption = blocks.CharBlock(max_length=250, help_text="A line under the video saying what it shows.")
    transcript = NamedRichTextBlock(features=INLINE_FEATURES, help_text="Everything said and shown, as text.")

    class Meta:
        icon = "media"
        template = "modules/blocks/video.html"
        description = "A video with closed captions and a full transcript."
        preview_template = "modules/blocks/video_preview.html"
        preview_value = {
            "title": "Why captions matter",
            "caption": "A two-minute introduction.",
            "transcript": "",
        }

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        video, captions = value.get("video"), value.get("captions")
        if video and video.file_extension.lower() not in {"mp4", "webm"}:
            errors["video"] = ValidationError(f"“{video.title}” is not an MP4 or WebM file.")
        if captions and captions.file_extension.lower() != "vtt":
            errors["captions"] = ValidationError(f"“{captions.title}” is not a WebVTT (.vtt) captions file.")
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class QuizBlock(blocks.StructBlock):
    quiz = SnippetChooserBlock("quizzes.Quiz")
    intro = NamedRichTextBlock(features=INLINE_FEATURES, required=False)

    class Meta:
        icon = "tasks"
        template = "modules/blocks/quiz.html"
        description = "The module's quiz: questions drawn at random from its banks, with a pass mark."
        preview_template = "modules/blocks/quiz_preview.html"
        preview_value = {"intro": "<p>Answer the questions to finish the module.</p>"}


class ModuleBodyBlock(blocks.StreamBlock):
    text = NamedRichTextBlock(
        features=BODY_FEATURES, icon="doc-full", template="modules/blocks/text.html", description="Rich text."
    )
    key_point = KeyPointBlock()
    scenario = ScenarioBlock()
    video = VideoBlock()
    quiz = QuizBlock()

    class Meta:
        block_counts = {"quiz": {"max_num": 1}}

    def clean(self, value):
        value = super().clean(value)
        if not any(child.block_type == "scenario" for child in value) and not any(
            child.block_type == "quiz" for child in value
        ):
            raise blocks.StreamBlockValidationError(
                non_block_errors=ErrorList([ValidationError("A module needs at least one scenario or a quiz.")])
            )
        return value
