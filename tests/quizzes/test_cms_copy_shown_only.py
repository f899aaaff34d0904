"""A quiz, a question bank or a question copied in the CMS is a new one, made by the add page: the copy page only
shows the form, filled in, and sends it there. Before, a form sent back to the copy page itself (Wagtail's copy view
edits the original it was filled from) was saved over the quiz, bank or question being copied, past the edit page's
own checks, and logged as an addition."""

import re

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from quizzes.models import Question, QuestionBank, Quiz
from tests import factories

KINDS = [(Quiz, "quiz"), (QuestionBank, "questionbank"), (Question, "question")]


@pytest.fixture
def originals(db):
    quiz = factories.make_quiz()
    return {Quiz: quiz, QuestionBank: QuestionBank.objects.first(), Question: Question.objects.first()}


def _url(name: str, view: str, *args) -> str:
    return reverse(f"wagtailsnippets_quizzes_{name}:{view}", args=args)


def _copy_form(cms, name: str, pk: int):
    page = cms.get(_url(name, "copy", pk))
    assert page.status_code == 200
    return page.content.decode()


@pytest.mark.parametrize(("model", "name"), KINDS, ids=[name for _, name in KINDS])
def test_the_copy_page_sends_its_form_to_the_add_page(cms, originals, model, name):
    html = _copy_form(cms, name, originals[model].pk)
    assert f'action="{_url(name, "add")}"' in html


@pytest.mark.parametrize(("model", "name"), KINDS, ids=[name for _, name in KINDS])
def test_a_form_sent_back_to_the_copy_page_changes_nothing(cms, originals, model, name):
    original = originals[model]
    before = {field.attname: getattr(original, field.attname) for field in model._meta.concrete_fields}
    html = _copy_form(cms, name, original.pk)
    forms = re.findall(r"<form\b[^>]*>", html)
    add_form = next(i for i, tag in enumerate(forms) if f'action="{_url(name, "add")}"' in tag)
    data = querydict_from_html(html, form_index=add_form)  # the copy page's own form, filled from the original
    field = "stem" if model is Question else "title"
    data[field] = "Changed through the copy page"

    response = cms.post(_url(name, "copy", original.pk), data)

    assert response.status_code == 405
    original.refresh_from_db()
    assert {field.attname: getattr(original, field.attname) for field in model._meta.concrete_fields} == before
    assert not model.objects.filter(**{field: "Changed through the copy page"}).exists()
