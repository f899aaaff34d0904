"""The admin API's copy for translation (/cms/api/main/pages/<id>/action/copy_for_translation/) is refused, saying
why, and copies nothing: the portal's content is in one language (WAGTAIL_I18N_ENABLED is off, LANGUAGE_CODE is
en-gb; no locale editor, no Translate action), but once a second Locale row existed (the shell, a fixture) the action
made a second home page, policy or module in it (with `copy_parents`, the branch above too): a second policy that
would take attestations of its own, and modules the staff pages could not tell from the first."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale, Page

from tests import factories
from tests.modules.test_import_policy_while_scheduled import editor  # noqa: F401 (the fixture)

REFUSED = (
    "Pages cannot be copied for translation: the portal's policy and modules are in one language, and a copy in "
    "another would be a second policy or module, taking attestations and completions of its own. Nothing was copied."
)


def _copy(client, page, **data):
    url = reverse("wagtailadmin_api:pages:action", args=[page.pk, "copy_for_translation"])
    return client.post(url, data=json.dumps(data), content_type="application/json")


@pytest.fixture
def french(db):
    return Locale.objects.create(language_code="fr")


@pytest.mark.parametrize("page", ["policy", "module_page", "home_page"])
@pytest.mark.parametrize("options", [{}, {"copy_parents": True}, {"copy_parents": True, "recursive": True}])
def test_a_copy_for_another_locale_is_refused_and_nothing_is_copied(cms, french, module_page, request, page, options):
    before = list(Page.objects.values_list("pk", "locale_id"))

    response = _copy(cms, request.getfixturevalue(page), locale="fr", **options)

    assert (response.status_code, response.json()) == (400, {"message": REFUSED})
    assert list(Page.objects.values_list("pk", "locale_id")) == before
    assert not Page.objects.filter(locale=french).exists()


def test_an_alias_for_another_locale_is_refused_too(cms, french, policy):
    response = _copy(cms, policy, locale="fr", alias=True, copy_parents=True)
    assert response.status_code == 400 and response.json()["message"] == REFUSED
    assert not Page.objects.filter(locale=french).exists()


def test_an_editor_is_refused_the_same(editor, french, module_page):  # noqa: F811
    response = _copy(factories.sign_in(Client(), editor), module_page, locale="fr", copy_parents=True)
    assert response.status_code == 400 and response.json()["message"] == REFUSED
    assert not Page.objects.filter(locale=french).exists()


def test_someone_outside_the_cms_is_turned_away(db, french, module_page):
    client = factories.sign_in(Client(), factories.make_user())
    assert _copy(client, module_page, locale="fr").status_code in (302, 403)
    assert not Page.objects.filter(locale=french).exists()
