"""A policy whose live version has an expiry date, with its next version scheduled to go live on that day or later
(the way to replace a policy on its review date: this version expires then, the next goes live then), gets its next
version when it is due. Wagtail's `publish_scheduled` takes expired pages off the site first, and unpublishing a page
drops the schedule of every revision, so the scheduled version never went live: the policy was off the site, no
version 2.0 was frozen, its re-attestation round never opened, and nothing said so. The CMS let the editor clear the
expiry date as they scheduled 2.0 (Wagtail refuses a go-live after the expiry date in the same form), but that
clears it for 2.0 only: the live version keeps its own until it is replaced."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from freezegun import freeze_time

from modules.models import PolicyPage
from portal.compliance.models import ReattestationRound, Requirement
from tests import factories
from tests.modules.test_import_policy_while_scheduled import editor  # noqa: F401 (the fixture)
from tests.modules.test_policy_publish_after_deadline import _at_noon
from tests.modules.test_policy_scheduled_version import _frozen, _go_live_day, _schedule_version_2


def _expires(policy, at: datetime.datetime) -> None:
    """Version 1.0 went live with an expiry date (the edit page's "Set schedule"), kept on the live page."""
    PolicyPage.objects.filter(pk=policy.pk).update(expire_at=at)


def _publish_scheduled_at(moment: datetime.datetime, policy) -> PolicyPage:
    """Cron's `publish_scheduled` (the daily run calls it too) at `moment`."""
    reverse("wagtailadmin_pages:edit", args=[1])  # the URLconf loads before the clock stops (its schemas read dates)
    with freeze_time(moment):
        call_command("publish_scheduled", verbosity=0)
    return PolicyPage.objects.get(pk=policy.pk)


@pytest.fixture
def asked(policy):
    return factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)


def test_the_version_scheduled_for_the_day_the_live_one_expires_goes_live(policy, editor, asked):  # noqa: F811
    go_live = _at_noon(_go_live_day())
    _expires(policy, go_live)
    _schedule_version_2(policy, editor)

    page = _publish_scheduled_at(go_live + datetime.timedelta(minutes=5), policy)

    assert (page.live, page.version_label) == (True, "2.0")
    assert _frozen(policy) == ["1.0", "2.0"]
    assert ReattestationRound.objects.filter(requirement=asked, snapshot__version_label="2.0").exists()


def test_a_version_scheduled_after_the_live_one_expires_goes_live_on_its_day(policy, editor, asked):  # noqa: F811
    go_live = _at_noon(_go_live_day())
    _expires(policy, go_live - datetime.timedelta(days=1))
    scheduled = _schedule_version_2(policy, editor)

    between = _publish_scheduled_at(go_live - datetime.timedelta(hours=12), policy)
    assert (between.live, between.expired) == (False, True)  # off the site from its expiry date, as set
    assert between.scheduled_revision == scheduled  # still to come

    page = _publish_scheduled_at(go_live + datetime.timedelta(minutes=5), policy)
    assert (page.live, page.version_label) == (True, "2.0")
    assert _frozen(policy) == ["1.0", "2.0"]


def test_an_expiry_with_nothing_scheduled_takes_the_page_off_the_site_as_before(policy):
    _expires(policy, _at_noon(_go_live_day()))

    page = _publish_scheduled_at(_at_noon(_go_live_day()) + datetime.timedelta(minutes=5), policy)

    assert (page.live, page.expired, page.scheduled_revision) == (False, True, None)
    assert _frozen(policy) == ["1.0"]
