"""A quiz's form sent several times at the same moment through the page (a double click, two tabs, a retry), on
PostgreSQL with real concurrent transactions: one result, one module completion and one ledger entry, and every
request lands on the result."""

import pytest
from django.db import connection  # noqa: F401  (read by the skipif condition)
from django.test import Client
from django.urls import reverse

from modules.models import ModuleCompletion
from portal.compliance import ledger
from portal.compliance.models import EvidenceEntry, Requirement
from quizzes.services import attempt_start
from tests import factories
from tests.compliance.test_concurrency import _all_at_once

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs a server database for real concurrency"),
    pytest.mark.django_db(transaction=True),
]


def test_four_posts_of_one_passing_attempt_at_once_record_one_pass_one_completion_one_entry():
    staff = factories.make_staff()
    module = factories.make_module()
    requirement = factories.make_requirement(name="M", kind=Requirement.COMPLETE_MODULE, page=module)
    clients = []
    for _ in range(4):
        client = Client()
        factories.sign_in(client, staff.user)
        clients.append(client)
    for block in module.scenario_blocks():
        clients[0].post(reverse("modules:scenario_choose", args=[module.pk, block.id]), {"option": "1"})
    attempt = attempt_start(user=staff.user, quiz=module.quiz, page=module)
    answers = {f"q{q.id}": sorted(q.correct_ids) for q in attempt.frozen_questions()}
    url = reverse("modules:attempt", args=[attempt.pk])
    posts = iter(clients)

    def submit():
        return next(posts).post(url, answers)["Location"]

    results = _all_at_once(submit, count=4)
    assert results == [reverse("modules:attempt_result", args=[attempt.pk])] * 4, results
    attempt.refresh_from_db()
    assert attempt.passed is True
    assert ModuleCompletion.objects.filter(user=staff.user, page=module).count() == 1
    assert EvidenceEntry.objects.filter(staff=staff, requirement=requirement).count() == 1
    assert ledger.verify_chain().intact
