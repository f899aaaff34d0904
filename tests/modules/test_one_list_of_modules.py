"""One My training page (/training/) for what is due, and one list of modules (the module index page): the old
list at /learn/ leads there (for now: an editor may move or replace the index), and "Go to my training" goes to
My training."""

import re

from django.urls import reverse

from quizzes.models import Attempt
from tests import factories


def test_the_old_list_of_modules_leads_to_the_module_index(person_client, module_page):
    index = module_page.get_parent()
    response = person_client.get("/learn/")
    assert response.status_code == 302 and response["Location"] == index.url
    assert reverse("modules:index") == "/learn/"
    page = person_client.get(response["Location"]).content.decode()
    assert module_page.title in page and "Not started" in page


def test_with_no_module_index_published_the_old_list_goes_to_my_training(person_client, home_page):
    response = person_client.get("/learn/")
    assert response.status_code == 302 and response["Location"] == reverse("reports:my_training")


def test_go_to_my_training_after_a_quiz_opens_my_training(person, person_client, module_page):
    attempt_url = person_client.post(reverse("modules:quiz_start", args=[module_page.pk]))["Location"]
    attempt = Attempt.objects.get(user=person)
    answers = {f"q{q.id}": sorted(q.correct_ids) for q in attempt.frozen_questions()}
    result = person_client.post(attempt_url, answers, follow=True).content.decode()
    link = re.search(r'<a href="([^"]+)">Go to my training</a>', result)
    assert link and link.group(1) == reverse("reports:my_training") == "/training/"


def test_my_training_links_to_the_one_list_of_modules(person, person_client, module_page):
    factories.make_staff(user=person)
    html = person_client.get(reverse("reports:my_training")).content.decode()
    link = re.search(r'<a href="([^"]+)">See all the training modules</a>', html).group(1)
    assert link == module_page.get_parent().url
    assert module_page.title in person_client.get(link).content.decode()
