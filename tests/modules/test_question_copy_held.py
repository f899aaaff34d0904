"""A question held for review, copied in the CMS (its snippet's Copy) and saved unchanged, is held too: the copy asks
the superseded rule as the original does. Before, the copy was a new question nobody had flagged, drawn in quizzes at
once with the superseded text and answer key while the original waited for review. A copy whose content is changed,
or a new question of its own, is not held."""

import re
from html import unescape

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from modules.models import ReviewFlag
from modules.review import review_flags_raise
from quizzes.models import Question
from tests import factories


@pytest.fixture
def held(policy, module_page):
    """Version 2.0 changed clause 6.2: the questions of the module's quiz on it are held."""
    review_flags_raise(snapshot=factories.make_snapshot(policy, version="2.0"), clauses=["6.2"])
    return ReviewFlag.objects.filter(question__isnull=False).order_by("pk").first().question


def _copy(cms, question, **changes):
    """The question's Copy page, sent as the CMS sends it (to its add view), with `changes`."""
    html = cms.get(reverse("wagtailsnippets_quizzes_question:copy", args=[question.pk])).content.decode()
    action = unescape(re.search(r'id="w-editor-form"\s+action="([^"]*)"', html)[1])
    data = querydict_from_html(html, form_id="w-editor-form").dict()
    # A ticked box without a value attribute is sent as "on" by a browser; the parser gives "".
    data |= {name: "on" for name, value in data.items() if value == "" and re.search(r"^active$|-is_correct$", name)}
    return cms.post(action, data | changes, follow=True)


def test_a_held_question_copied_unchanged_is_held_too(cms, held):
    before = set(Question.objects.values_list("pk", flat=True))

    response = _copy(cms, held)

    copy = Question.objects.exclude(pk__in=before).get()
    assert copy.stem == held.stem and copy.held_for_review
    assert held.choices.count() == copy.choices.count() == 2
    flag = ReviewFlag.objects.get(question=copy, resolved_at__isnull=True)
    assert (flag.clause, flag.snapshot.version_label) == ("6.2", "2.0")
    assert "Held back from quizzes: it asks what a question held for review asks" in unescape(response.content.decode())


def test_a_held_question_copied_with_its_stem_changed_is_not_held(cms, held):
    before = set(Question.objects.values_list("pk", flat=True))

    _copy(cms, held, stem="Under the new rule, what do you do?")

    copy = Question.objects.exclude(pk__in=before).get()
    assert not copy.held_for_review
    assert not ReviewFlag.objects.filter(question=copy).exists()
