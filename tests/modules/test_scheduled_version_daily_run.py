"""A version an editor scheduled goes live by the daily run at the latest: `send_reminders` publishes what was
scheduled to go live by then before it reminds anyone (cron also runs `publish_scheduled` every few minutes,
docs/deploy.md). Before, nothing in the portal or its documented cron ran Wagtail's `publish_scheduled`, so a new
version scheduled for its review date never went live: no round opened and nobody was asked to re-attest."""

import datetime
import io

from django.core.management import call_command
from django.urls import reverse
from freezegun import freeze_time
from wagtail.models import Revision

from portal.compliance.models import ReattestationRound, Requirement
from tests import factories
from tests.modules.test_policy_publish_after_deadline import _at_noon
from tests.modules.test_policy_scheduled_version import _frozen, _go_live_day, _live, _schedule_version_2, editor

__all__ = ["editor"]  # the fixture, used by name


def _daily_run_after_go_live() -> tuple[str, str]:
    reverse("wagtailadmin_pages:edit", args=[1])  # the URLconf loads before the clock stops (its schemas read dates)
    out, err = io.StringIO(), io.StringIO()
    with freeze_time(_at_noon(_go_live_day() + datetime.timedelta(days=1))):
        call_command("send_reminders", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_daily_run_publishes_a_version_whose_scheduled_go_live_has_passed(policy, editor):
    factories.make_requirement(kind=Requirement.ATTEST_POLICY, page=policy, renewal_months=12)
    _schedule_version_2(policy, editor)
    assert (_live(policy), _frozen(policy)) == ("1.0", ["1.0"])

    out, err = _daily_run_after_go_live()

    assert (_live(policy), _frozen(policy)) == ("2.0", ["1.0", "2.0"])
    assert ReattestationRound.objects.filter(snapshot__version_label="2.0").exists()  # a material change's round
    assert "Reminders for" in out and "publishing" not in err


def test_a_version_that_cannot_be_published_is_told_and_the_reminders_still_go(policy, editor, monkeypatch):
    _schedule_version_2(policy, editor)

    def refuse(self, *args, **kwargs):
        raise RuntimeError("the page is locked")

    monkeypatch.setattr(Revision, "publish", refuse)
    out, err = _daily_run_after_go_live()

    assert _live(policy) == "1.0"
    assert (
        "Warning: publishing the pages scheduled to go live failed with RuntimeError: the page is locked. "
        "The reminders go on; run manage.py publish_scheduled to see why."
    ) in err.splitlines()
    assert "Reminders for" in out


def test_a_version_whose_go_live_is_still_to_come_stays_scheduled(policy, editor):
    revision = _schedule_version_2(policy, editor)
    reverse("wagtailadmin_pages:edit", args=[1])
    with freeze_time(_at_noon(_go_live_day() - datetime.timedelta(days=1))):
        call_command("send_reminders", stdout=io.StringIO(), stderr=io.StringIO())
    assert _live(policy) == "1.0"
    assert Revision.objects.get(pk=revision.pk).approved_go_live_at is not None
