"""A question's choices (its inline formset) edited from a page opened before someone else saved the question's
wording: refused as a change to its own fields is (test_quiz_edited_in_two_tabs.py): the save would put the old
wording back."""

from django.urls import reverse

from tests import factories
from tests.modules.test_quiz_changed_mid_attempt import _as_the_browser_sends
from tests.quizzes.test_quiz_edited_in_two_tabs import REFUSED, saved_second_then_first


def test_a_choice_edited_from_a_page_opened_before_the_wording_was_saved_is_refused(cms):
    question = factories.make_quiz().banks.get().questions.first()
    url = reverse("wagtailsnippets_quizzes_question:edit", args=[question.pk])
    first = _as_the_browser_sends(cms.get(url).content.decode())
    second = _as_the_browser_sends(cms.get(url).content.decode())
    second["stem"] = "Reworded?"
    first["choices-1-text"] = "Clearer wrong answer"
    assert f"Someone saved this question {REFUSED}" in saved_second_then_first(cms, url, first, second)
    question.refresh_from_db()
    assert question.stem == "Reworded?"
    assert not question.choices.filter(text="Clearer wrong answer").exists()
