"""Whether a quiz or a question bank can be deleted in the CMS (the snippet's own delete, and the listing's bulk
delete, both ask `before_delete_snippet`).

A quiz's attempts and a bank's questions hold it in the database (on_delete=PROTECT), so a delete that reached them
ended in a server error. A quiz nobody has tried yet is held by the modules that end with it: its block names it
by id, and once it was gone the module still showed its quiz section while "Start the quiz" answered "This module
has no quiz", so nobody could complete the module again. Each is refused with the reason and what to do instead.
"""

import json

from wagtail.models import Revision

from quizzes.models import Attempt, Question, QuestionBank, Quiz

from .models import ModulePage


def quiz_deletion_refusal(snippet) -> str:
    """Why `snippet` (a quiz or a question bank; anything else is no concern here) cannot be deleted, or ""."""
    if isinstance(snippet, Quiz):
        attempts = Attempt.objects.filter(quiz=snippet).count()
        if attempts:
            return (
                f"“{snippet.title}” cannot be deleted: {_count(attempts, 'attempt')} at it "
                f"{'is' if attempts == 1 else 'are'} kept as evidence of what people were asked and answered. "
                "Take it off its modules instead"
            )
        modules = modules_ending_with(snippet.pk)
        if modules:
            return (
                f"“{snippet.title}” cannot be deleted: {_names(modules, 'the module', 'the modules')} "
                f"{'ends' if len(modules) == 1 else 'end'} with it (as published, or in a draft). Take it off "
                f"{'the module' if len(modules) == 1 else 'each module'} first"
            )
    if isinstance(snippet, QuestionBank):
        questions = Question.objects.filter(bank=snippet).count()
        if questions:
            return (
                f"“{snippet.title}” cannot be deleted while it holds {_count(questions, 'question')}: delete "
                f"{'it' if questions == 1 else 'them'}, or move {'it' if questions == 1 else 'them'} to another "
                "bank, first"
            )
    return ""


def modules_ending_with(quiz_id: int) -> list[str]:
    """The titles of the module pages whose quiz block names `quiz_id`, in the page as stored or its latest revision
    (a draft not yet published). Two queries, whatever the number of modules."""
    pages = list(ModulePage.objects.only("pk", "title", "body", "latest_revision_id").order_by("title"))
    drafts = Revision.objects.filter(pk__in=[page.latest_revision_id for page in pages if page.latest_revision_id])
    draft_bodies = {revision.pk: revision.content.get("body") for revision in drafts.only("pk", "content")}
    return [
        page.title
        for page in pages
        if quiz_id in _quiz_ids(page.body.raw_data) or quiz_id in _quiz_ids(draft_bodies.get(page.latest_revision_id))
    ]


def _quiz_ids(body) -> set[int]:
    if isinstance(body, str):  # a revision keeps its stream as JSON text
        body = json.loads(body or "[]")
    return {
        int(block["value"]["quiz"])
        for block in body or []
        if block.get("type") == "quiz" and isinstance(block.get("value"), dict) and block["value"].get("quiz")
    }


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _names(titles: list[str], one: str, many: str) -> str:
    quoted = [f"“{title}”" for title in titles]
    if len(quoted) == 1:
        return f"{one} {quoted[0]}"
    return f"{many} {', '.join(quoted[:-1])} and {quoted[-1]}"
