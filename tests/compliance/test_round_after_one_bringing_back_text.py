"""A material version after one that brought back the text someone attested asks them again by its own deadline.

1.0 (Ann attests) -> 2.0 material, 6.2 changed, re-attest by day 20 -> 3.0 material, 6.2 as 1.0 had it, by day 40
(Ann not asked again: bef8da2) -> on day 31, 4.0 material, section 9 changed, by day 60. Ann must attest 4.0 (9
differs from what she attested) by day 60, as 4.0's round asks. Before, 4.0's round releasing nobody let 2.0's round
ask her again too, so she was overdue from day 20: a deadline that had passed while 3.0 asked nothing of her, and
that the "what changed" notice (9, by day 60) did not name. The projection kept up to date, the projection rebuilt,
the runs in effective time and the reports as at a day (as it was, as recorded then) all follow one rule."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from modules.models import PolicyPage
from portal.compliance import status
from portal.compliance.asat import Moment, statuses_as_at
from portal.compliance.models import PolicySnapshot, RequirementStatus, StatusInterval
from portal.compliance.policy_versions import policy_change_notices_for_staff
from portal.compliance.projection import refresh
from portal.compliance.services import attestation_record
from tests.compliance.test_attestation import attestation, staff  # noqa: F401 - fixtures

# Day 0, the day after the test runs: read as the test begins (_read_the_day), before the clock is frozen on the days
# from it. Read when the file was imported, a run going past midnight started from yesterday's.
START = None


@pytest.fixture(autouse=True)
def _read_the_day():
    global START
    START = timezone.localdate() + datetime.timedelta(days=1)


def _day(n: int) -> datetime.date:
    return START + datetime.timedelta(days=n)


def _noon(n: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(_day(n), datetime.time(12)))


def _publish(policy, label: str, number: str, text: str, deadline: datetime.date) -> None:
    """A material version changing section `number` to `text`, answered as the editor would in the CMS."""
    page = PolicyPage.objects.get(pk=policy.pk)
    page.version_label = label
    page.change_base = page.latest_snapshot().content_hash
    page.section_changes = [("change", {"section": number, "change": PolicyPage.MATERIAL, "reason": f"{label}"})]
    page.reattest_deadline = deadline
    page.sections = [
        ("section", {**s, "body": f"<p>{text}</p>"} if s["number"] == number else s)
        for s in (dict(b.value) for b in page.sections)
    ]
    page.full_clean()
    page.save_revision().publish()


@pytest.fixture
def ann(staff, person, policy, attestation):  # noqa: F811
    reverse("wagtailadmin_pages:edit", args=[1])  # the URLconf loads before the clock stops (its schemas read dates)
    with freeze_time(_noon(0)):
        attestation_record(staff=staff, snapshot=PolicySnapshot.objects.get(page_id=policy.pk), user=person)
    with freeze_time(_noon(1)):
        _publish(policy, "2.0", "6.2", "Always.", _day(20))
    with freeze_time(_noon(10)):
        _publish(policy, "3.0", "6.2", "Speak for yourself.", _day(40))  # 1.0's text again
    with freeze_time(_noon(31)):
        _publish(policy, "4.0", "9", "Refer it to the press office.", _day(60))
    return staff


def _standing(row) -> tuple:
    return (row.expires_on, row.due_on, row.renew_from)


def test_the_next_material_version_asks_by_its_own_deadline(ann, attestation):  # noqa: F811
    with freeze_time(_noon(31)):
        row = RequirementStatus.objects.get(staff=ann, requirement=attestation)
        assert row.state(_day(31)) == status.DUE_SOON
        assert _standing(row) == (_day(60), _day(60), _day(31))
        [notice] = policy_change_notices_for_staff(ann)
        assert [s.number for s in notice.sections] == ["9"] and notice.deadline == _day(60)


def test_rebuild_runs_and_as_at_agree(ann, attestation):  # noqa: F811
    with freeze_time(_noon(31)):
        kept = _standing(RequirementStatus.objects.get(staff=ann, requirement=attestation))
        refresh()
        rebuilt = _standing(RequirementStatus.objects.get(staff=ann, requirement=attestation))
        assert rebuilt == kept == (_day(60), _day(60), _day(31))
        for moment in (Moment.end_of(_day(31)), Moment(_day(31), timezone.now() + datetime.timedelta(hours=1))):
            [(_, [as_at])] = list(statuses_as_at(moment, staff_ids=[ann.pk]))
            assert (as_at.expires_on, as_at.due_on) == (_day(60), _day(60))
        runs = StatusInterval.objects.filter(staff=ann, requirement=attestation)
        [run] = runs.filter(valid_from__lte=_day(31), valid_to__gt=_day(31))
        assert (run.state, run.expires_on) == (status.DUE_SOON, _day(60))
