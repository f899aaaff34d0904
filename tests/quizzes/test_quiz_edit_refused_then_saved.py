"""The refusal of a quiz saved from a page opened before someone else's save (f8491ad) at its edges: a save refused
for something else (a pass mark out of range), put right on the same page, saves: the page still carries the quiz as
it was opened, and nobody saved since; a page refused as out of date stays refused, sent again as it came back, until
the quiz is opened again."""

from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from tests import factories
from tests.quizzes.test_quiz_edited_in_two_tabs import REFUSED, quiz_form


def test_a_save_refused_for_a_mistake_saves_once_it_is_put_right_on_the_same_page(cms):
    quiz = factories.make_quiz(pass_mark=80)
    url = reverse("wagtailsnippets_quizzes_quiz:edit", args=[quiz.pk])
    form = quiz_form(cms, url)
    form["pass_mark"] = "150"
    refused = cms.post(url, form)
    assert refused.status_code == 200 and REFUSED not in refused.content.decode()
    again = querydict_from_html(refused.content.decode(), form_id="w-editor-form")  # the page as it came back
    again["pass_mark"] = "100"
    assert cms.post(url, again).status_code == 302
    quiz.refresh_from_db()
    assert quiz.pass_mark == 100


def test_a_page_refused_as_out_of_date_stays_refused_until_the_quiz_is_opened_again(cms):
    quiz = factories.make_quiz(pass_mark=80)
    url = reverse("wagtailsnippets_quizzes_quiz:edit", args=[quiz.pk])
    stale, other = quiz_form(cms, url), quiz_form(cms, url)
    other["pass_mark"] = "100"
    assert cms.post(url, other).status_code == 302
    stale["title"] = "Renamed"
    refused = cms.post(url, stale)
    assert refused.status_code == 200 and REFUSED in " ".join(refused.content.decode().split())
    again = querydict_from_html(refused.content.decode(), form_id="w-editor-form")
    assert REFUSED in " ".join(cms.post(url, again).content.decode().split())
    quiz.refresh_from_db()
    assert (quiz.title, quiz.pass_mark) != ("Renamed", 80) and quiz.pass_mark == 100
