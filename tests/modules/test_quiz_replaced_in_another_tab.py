"""A quiz open in two tabs after it changed: the second tab starts it again, which replaces the old attempt, and the
first tab's answers then go to an attempt that is no longer there. The person is told so and where to carry on, not
sent to a page for a mistyped address; nothing is recorded, and the new attempt is untouched."""

from django.urls import reverse

from modules.models import ModuleCompletion
from quizzes.models import Attempt
from tests import factories
from tests.modules.test_quiz_changed_mid_attempt import right

GONE = "This quiz attempt is not here"


def test_answers_sent_from_a_tab_whose_attempt_was_replaced_say_so(person, person_client, module_page):
    factories.make_staff(user=person)
    start = reverse("modules:quiz_start", args=[module_page.pk])
    first_tab = person_client.post(start)["Location"]
    old = Attempt.objects.get()
    module_page.quiz.pass_mark = 90
    module_page.quiz.save()
    second_tab = person_client.post(start)["Location"]  # the quiz changed: started again
    new = Attempt.objects.get()
    assert second_tab != first_tab

    for response in (person_client.post(first_tab, right(old)), person_client.get(first_tab)):
        html = response.content.decode()
        assert response.status_code == 404 and GONE in html and "Page not found" not in html
        assert f'href="{reverse("reports:my_training")}"' in html
    result = person_client.get(reverse("modules:attempt_result", args=[old.pk]))
    assert result.status_code == 404 and GONE in result.content.decode()
    new.refresh_from_db()
    assert new.submitted_at is None and not ModuleCompletion.objects.exists()


def test_someone_elses_attempt_is_not_there_all_the_same(someone_else, client, person, module_page):
    """The words are the same for an attempt that is someone else's: they learn nothing of it."""
    factories.sign_in(client, someone_else)
    theirs = client.post(reverse("modules:quiz_start", args=[module_page.pk]))["Location"]
    factories.sign_in(client, person)
    response = client.get(theirs)
    html = response.content.decode()
    assert response.status_code == 404 and GONE in html
    assert module_page.title not in html and module_page.quiz.title not in html
