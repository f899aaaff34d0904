"""The CMS's search finds what editors wrote, as production keeps its index: on each save. The test settings leave the
index alone (portal/settings/test.py: nothing else reads it), so these tests turn it back on as base.py has it, and
run its updates at once, as the worker would."""

import pytest
from django.urls import reverse

from portal.settings.base import WAGTAILSEARCH_BACKENDS
from quizzes.models import Question
from tests import factories


@pytest.fixture
def indexed(settings):
    settings.WAGTAILSEARCH_BACKENDS = WAGTAILSEARCH_BACKENDS
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert "AUTO_UPDATE" not in WAGTAILSEARCH_BACKENDS["default"]  # production's index is kept on every save


@pytest.mark.parametrize("typed", ["journalist", "journ", "ward photograph"])
def test_an_editor_finds_a_question_by_words_in_its_stem(indexed, cms, typed):
    """On SQLite the search was a server error ("no such column: stem"): the listing named fields its index lacks."""
    bank = factories.make_bank_with_questions(count=2, title="Media questions")
    wanted = Question.objects.filter(bank=bank).first()
    wanted.stem = "A journalist messages you about a ward photograph: what do you do?"
    wanted.save()
    html = cms.get(reverse("wagtailsnippets_quizzes_question:list"), {"q": typed}).content.decode()
    assert "A journalist messages you about a ward photograph" in html
    others = Question.objects.filter(bank=bank).exclude(pk=wanted.pk)
    assert all(other.stem not in html for other in others)


def test_an_editor_finds_a_question_by_its_scenario(indexed, cms):
    bank = factories.make_bank_with_questions(count=2, title="Media questions")
    wanted = Question.objects.filter(bank=bank).first()
    wanted.scenario = "A young person you support sends you a friend request."
    wanted.save()
    html = cms.get(reverse("wagtailsnippets_quizzes_question:list"), {"q": "friend request"}).content.decode()
    assert wanted.stem in html


def test_an_editor_finds_a_policy_page_by_its_title(indexed, cms, policy):
    html = cms.get(reverse("wagtailadmin_pages:search"), {"q": "Digital Content"}).content.decode()
    assert f'href="{reverse("wagtailadmin_pages:edit", args=[policy.pk])}"' in html


def test_the_test_settings_keep_no_index(cms, policy):
    """Without the fixture nothing is indexed: the search above passes because the index was kept, not by chance."""
    html = cms.get(reverse("wagtailadmin_pages:search"), {"q": "Digital Content"}).content.decode()
    assert f'href="{reverse("wagtailadmin_pages:edit", args=[policy.pk])}"' not in html
