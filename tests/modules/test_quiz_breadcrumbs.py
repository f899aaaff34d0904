"""A module's quiz and its result sit below the module: the breadcrumb ends with the module, and on a phone the back
link goes to the module, not to the list of modules."""

import re

import pytest
from django.urls import reverse

from quizzes.services import attempt_start


def _breadcrumb(html: str) -> tuple[list[str], str]:
    nav = re.search(r'<nav class="nhsuk-breadcrumb".*?</nav>', html, re.S).group(0)
    items = re.findall(r'class="nhsuk-breadcrumb__link" href="([^"]+)">([^<]+)<', nav)
    back = re.search(r'class="nhsuk-back-link" href="([^"]+)"', nav).group(1)
    return [label for _, label in items], back


@pytest.mark.parametrize("view", ["modules:attempt", "modules:attempt_result"])
def test_the_quiz_pages_breadcrumb_ends_with_the_module(person, person_client, module_page, view):
    attempt = attempt_start(user=person, quiz=module_page.quiz, page=module_page)
    response = person_client.get(reverse(view, args=[attempt.pk]), follow=True)
    labels, back = _breadcrumb(response.content.decode())
    assert labels[-1] == module_page.title and labels[-2] == "Modules"
    assert back == module_page.url


def test_the_module_page_itself_ends_its_trail_above_it(person_client, module_page):
    labels, back = _breadcrumb(person_client.get(module_page.url).content.decode())
    assert module_page.title not in labels and back.endswith("/modules/")
