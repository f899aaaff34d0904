"""An attempt that is someone else's answers exactly as one that was never there (79ca55e): the same status and the
same page, shown or sent to, so the page tells nobody that it exists."""

import re

from django.urls import reverse

from quizzes.models import Attempt
from tests import factories


def _page(response, pk: int) -> tuple[int, str]:
    """Its status and page, but for the token, the address asked for (the sign-in link comes back to it) and the
    session's countdown (data-seconds-left), which moves by a second when the clock passes one between the two."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    html = re.sub(r'data-seconds-left="\d+"', "", html)
    return response.status_code, html.replace(f"/{pk}/", "/N/")


def test_someone_elses_attempt_and_one_never_there_answer_alike(someone_else, client, person, module_page):
    factories.sign_in(client, someone_else)
    client.post(reverse("modules:quiz_start", args=[module_page.pk]))
    theirs = Attempt.objects.get().pk
    factories.sign_in(client, person)
    for name in ("modules:attempt", "modules:attempt_result"):
        mine = [_page(client.get(reverse(name, args=[pk])), pk) for pk in (theirs, theirs + 1000)]
        assert mine[0] == mine[1] and mine[0][0] == 404, name
    sent = [
        _page(client.post(reverse("modules:attempt", args=[pk]), {"q1": "1"}), pk) for pk in (theirs, theirs + 1000)
    ]
    assert sent[0] == sent[1] and sent[0][0] == 404
