"""A material change that reopens a module (the editor ticked "ask staff to complete the linked modules again") asks
whoever completed it before to complete it again. Their reminder says why, as an attestation's does: the policy
changed on D (version V) in these sections, for these reasons; complete the module again by D. Before, it said only
"you need to complete Talking to the media by ...", to someone who had done it weeks ago."""

import datetime

import pytest
from django.utils import timezone

from portal.compliance.dates import add_months
from portal.compliance.models import EvidenceEntry, Requirement
from portal.compliance.reminders import ON_DUE, reminders_due
from portal.compliance.services import policy_snapshot_create, reattestation_round_open
from tests import factories

LONG_AGO = datetime.date(2015, 4, 1)
REASON = "Media enquiries now go to the Communications team within the hour."


@pytest.fixture
def module_requirement(policy):
    module = factories.make_module(policy=policy, title="Talking to the media")
    return factories.make_requirement(
        name="Talking to the media", kind=Requirement.COMPLETE_MODULE, page=module, renewal_months=12
    )


@pytest.fixture
def sam(module_requirement):
    sam = factories.make_staff(
        first_name="Sam", start_date=LONG_AGO, user=factories.make_user(email="sam@example.nhs.uk")
    )
    completed = timezone.now() - datetime.timedelta(days=40)
    factories.make_completion(sam, module_requirement, completed_at=completed, source=EvidenceEntry.MODULE)
    return sam


def _reopened(policy, module_requirement, deadline):
    snapshot = policy_snapshot_create(
        page=policy,
        version_label="2.0",
        effective_date=timezone.localdate(),
        title=policy.title,
        sections=[{"number": "6.2", "heading": "Best practice", "text": "Refer it within the hour."}],
        material=True,
        change_reason=f"Section 6.2: {REASON}",
        changes=[
            {"number": "6.2", "heading": "Best practice", "kind": "changed", "change": "material", "reason": REASON}
        ],
    )
    reattestation_round_open(
        snapshot=snapshot,
        deadline=deadline,
        reason=f"Section 6.2: {REASON}",
        module_page_ids=[module_requirement.page_id],
    )


def test_the_reminder_says_the_policy_changed_and_to_complete_the_module_again(policy, module_requirement, sam):
    today = timezone.localdate()
    deadline = today + datetime.timedelta(days=10)
    _reopened(policy, module_requirement, deadline)

    (message,) = [m for m in reminders_due(today) if m.staff == sam]

    assert message.subject == f"Reminder: Talking to the media is due by {deadline:%-d %B %Y}"
    assert (
        f"{policy.title} changed on {today:%-d %B %Y} (version 2.0). What changed:\n"
        f"- Section 6.2 Best practice: {REASON}\n"
        f"It was a material change to what Talking to the media teaches, so complete it again by "
        f"{deadline:%A %-d %B %Y}, even if you have done it before.\n"
    ) in message.body


def test_on_the_day_it_is_due_too(policy, module_requirement, sam):
    deadline = timezone.localdate() + datetime.timedelta(days=3)
    _reopened(policy, module_requirement, deadline)

    (message,) = [m for m in reminders_due(deadline) if m.staff == sam]

    assert message.stage == ON_DUE
    assert "complete it again by" in message.body and "(version 2.0)" in message.body


def test_someone_who_completed_it_since_the_round_opened_is_told_nothing_of_it(policy, module_requirement, sam):
    today = timezone.localdate()
    _reopened(policy, module_requirement, today + datetime.timedelta(days=10))
    factories.make_completion(sam, module_requirement, completed_at=timezone.now(), source=EvidenceEntry.MODULE)
    due_soon = add_months(today, 12) - datetime.timedelta(days=14)  # its usual reminder, a year on

    messages = [m for m in reminders_due(due_soon) if m.staff == sam]

    assert messages and all("changed on" not in m.body and "again" not in m.body for m in messages)
