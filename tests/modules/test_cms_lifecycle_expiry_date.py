"""An expiry date set in the CMS on a module or policy that a requirement in use names (or on a page above one) is
allowed, and the editor is told, beside the page saved or published, that staff will still be asked to do it once
it has left the site, as "Unpublish" tells them. Before, nothing was said: on the day, `publish_scheduled` (which
cron and the daily run call) took the page off the site, staff saw the module as not available yet and went on
being reminded, and only HR's requirements page showed it, as "Not on the site"."""

import datetime
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import querydict_from_html

from modules.models import ModulePage
from portal.compliance.models import Requirement
from portal.people.roles import hr_group
from tests import factories
from tests.modules.test_cms_lifecycle_revert_held_scenario import _body_form

ASKING = "Staff are still asked to do “Social media module”: it names this page."


def _expiry() -> datetime.datetime:
    return timezone.localtime() + datetime.timedelta(days=30)


def _send(cms, page, *, expire_at: datetime.datetime, action: str) -> str:
    """The page's edit form sent with an expiry date (the CMS's "Set schedule"), saved as a draft or published."""
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    form = querydict_from_html(cms.get(url).content.decode(), form_id="page-edit-form").dict()
    form.update(_body_form(page))
    form["expire_at"] = f"{expire_at:%Y-%m-%d %H:%M}"
    if action == "publish":
        form["action-publish"] = "action-publish"
    response = cms.post(url, form, follow=True)
    assert response.status_code == 200
    return unescape(response.content.decode())


@pytest.fixture
def module_page(policy):
    return factories.make_module(policy=policy, scenarios=1, with_quiz=False)


@pytest.fixture
def asked(module_page):
    return factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page)


@pytest.mark.parametrize("action", ["publish", "save"])
def test_an_expiry_date_on_a_module_staff_are_asked_to_do_is_told(cms, module_page, asked, action):
    expire_at = _expiry()

    shown = _send(cms, module_page, expire_at=expire_at, action=action)

    assert (
        f"“{module_page.title}” is set to leave the site on {expire_at:%-d %B %Y at %H:%M} (its expiry date)." in shown
    )
    assert ASKING in shown
    assert "otherwise clear the expiry date" in shown
    assert reverse("requirements:list") in shown
    assert ModulePage.objects.get(pk=module_page.pk).live  # told, not refused


def test_an_expiry_date_on_a_module_nobody_is_asked_to_do_is_set_without_a_word(cms, module_page):
    factories.make_requirement(name="Old module", kind=Requirement.COMPLETE_MODULE, page=module_page, active=False)

    shown = _send(cms, module_page, expire_at=_expiry(), action="publish")

    assert "is set to leave the site" not in shown
    assert ModulePage.objects.get(pk=module_page.pk).expire_at is not None


def test_on_the_day_the_module_leaves_the_site_and_hr_sees_it(client, module_page, asked):
    """What the editor was told comes true: `publish_scheduled` unpublishes the page once its date has passed."""
    ModulePage.objects.filter(pk=module_page.pk).update(expire_at=timezone.now() - datetime.timedelta(minutes=1))

    call_command("publish_scheduled")

    assert not ModulePage.objects.get(pk=module_page.pk).live
    hr = factories.with_mfa(factories.make_user())
    hr.groups.add(hr_group())
    page = factories.sign_in(client, hr).get(reverse("requirements:list")).content.decode()
    assert (
        f"{module_page.title} is unpublished, and staff are still asked to do this (they see it as not available "
        "yet, and nobody is reminded of it until it is published again)." in page
    )
