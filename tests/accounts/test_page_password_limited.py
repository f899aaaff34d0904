"""A page's Wagtail password (a module or policy kept for some people) cannot be guessed without limit, and every
password given is in the audit log.

Wagtail's own door (/_util/authenticate_with_password/<restriction>/<page>/) took any number of wrong passwords and
recorded none, so anyone signed in could guess their way into a module meant for others and record a completion of
it. The portal's view at that address (portal.accounts.page_password) counts wrong passwords per person and
restriction (production limits: 10 an hour), and audits each one, each right one, and the first refusal an hour.
"""

import time
import types

import pytest
from django.test import Client
from django.urls import resolve, reverse
from wagtail.models import PageViewRestriction

from portal.accounts.page_password import page_password
from portal.audit.models import AuditEvent
from tests import factories

PASSWORD = "ward7-2026"


pytestmark = pytest.mark.usefixtures("production_rate_limits")


@pytest.fixture
def module(policy):
    return factories.make_module(policy=policy, scenarios=1, with_quiz=False)


def by_password(page, password=PASSWORD):
    return PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password=password
    )


def door(restriction, page):
    return reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk])


def give(client, restriction, page, password):
    return client.post(door(restriction, page), {"password": password, "return_url": page.url})


def person(email):
    return factories.sign_in(Client(), factories.make_user(email=email))


def audited(restriction, result):
    return AuditEvent.objects.filter(
        action=AuditEvent.PAGE_PASSWORD, detail__restriction=restriction.pk, detail__result=result
    )


def test_the_portals_view_answers_at_wagtails_address(module):
    restriction = by_password(module)
    assert resolve(door(restriction, module)).func is page_password


def test_a_module_password_cannot_be_guessed_without_limit(db, module):
    restriction = by_password(module)
    gus = person("gus.guess@example.nhs.uk")
    answers = [give(gus, restriction, module, f"guess-{n}").status_code for n in range(200)]
    assert answers[:10] == [200] * 10 and set(answers[10:]) == {429}

    response = give(gus, restriction, module, PASSWORD)  # the right one, found at last, is not even checked
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many attempts" in page and "wrong password for this page too many times" in page
    assert gus.get(module.url).status_code == 200 and 'name="password"' in gus.get(module.url).content.decode()
    assert audited(restriction, "wrong").count() == 10
    assert audited(restriction, "right").count() == 0
    assert audited(restriction, "refused: too many wrong passwords").count() == 1  # not one for each of 191


def test_the_limit_is_per_person_and_per_restriction(policy, module):
    restriction = by_password(module)
    other_module = factories.make_module(policy=policy, scenarios=1, with_quiz=False)
    other = by_password(other_module, "theatre-3")
    gus = person("gus.guess@example.nhs.uk")
    for n in range(11):
        give(gus, restriction, module, f"guess-{n}")
    assert give(gus, restriction, module, PASSWORD).status_code == 429

    ana = person("ana.asked@example.nhs.uk")  # given the password by her ward manager
    assert give(ana, restriction, module, PASSWORD).status_code == 302
    assert give(gus, other, other_module, "theatre-3").status_code == 302


def test_the_right_password_lets_the_person_in_is_audited_and_does_not_count(module):
    restriction = by_password(module)
    ana = person("ana.asked@example.nhs.uk")
    for n in range(9):
        assert give(ana, restriction, module, f"typo-{n}").status_code == 200
    response = give(ana, restriction, module, PASSWORD)
    assert response.status_code == 302 and response["Location"] == module.url
    assert 'name="password"' not in ana.get(module.url).content.decode()  # the module itself

    assert give(ana, restriction, module, "typo-9").status_code == 200  # the tenth wrong one: the right one was not
    assert give(ana, restriction, module, "typo-10").status_code == 429
    event = audited(restriction, "right").get()
    assert event.actor.email == "ana.asked@example.nhs.uk" and module.title in event.scope
    assert event.detail["page"] == module.pk and event.detail["ip"] == "127.0.0.1"
    wrong = audited(restriction, "wrong").first()
    assert wrong.actor == event.actor and PASSWORD not in str(wrong.detail) and "typo" not in str(wrong.detail)


def test_an_hour_later_the_person_may_try_again(module, monkeypatch):
    from allauth.core.internal import ratelimit

    restriction = by_password(module)
    gus = person("gus.guess@example.nhs.uk")
    for n in range(11):
        give(gus, restriction, module, f"guess-{n}")
    assert give(gus, restriction, module, PASSWORD).status_code == 429
    later = time.time() + 3601
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: later, monotonic=time.monotonic))
    assert give(gus, restriction, module, PASSWORD).status_code == 302


def test_a_wrong_password_shows_the_form_again_saying_so(module):
    restriction = by_password(module)
    response = give(person("gus.guess@example.nhs.uk"), restriction, module, "guess")
    assert response.status_code == 200
    page = response.content.decode()
    assert "The password you have entered is not correct" in page
    assert 'name="password"' in page and f'action="{door(restriction, module)}"' in page
    assert 'aria-invalid="true"' in page


def test_an_address_that_names_no_password_restriction_is_not_found(module):
    gus = person("gus.guess@example.nhs.uk")
    groups_only = PageViewRestriction.objects.create(page=module, restriction_type=PageViewRestriction.GROUPS)
    assert give(gus, groups_only, module, "").status_code == 404
    assert gus.post(f"/_util/authenticate_with_password/{10**17}/{module.pk}/", {"password": "x"}).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.PAGE_PASSWORD).exists()


def test_someone_not_signed_in_is_sent_to_sign_in(module):
    restriction = by_password(module)
    response = Client().post(door(restriction, module), {"password": PASSWORD, "return_url": module.url})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
