"""A requirement whose reminders were sent, or refused by the mail server, or whose figures were kept for a past day's
reports, cannot be deleted: those rows are the record of what the portal told people and what it reported ("as it
was", the organisation report and the trend read the kept figures), and a report as at a past day must give the
answer it gave then. Before, a requirement no evidence pack named was deleted with them (each held it with CASCADE),
and a kept day stayed marked kept, so its figures were never made again: they simply lost the requirement. It is
refused in words naming what holds it and suggesting retiring it, at every door (the CMS's delete, the service, a
delete round both), and, like the refusal of a requirement a pack names, the refusal changes nothing: no row goes,
and no audit line is written."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db.models import ProtectedError
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.compliance import requirement_reads
from portal.compliance.models import (
    CompetenceMapping,
    ReminderLog,
    ReminderRefusal,
    Requirement,
    RequirementStatus,
)
from portal.compliance.projection import refresh
from portal.compliance.services import RequirementError, requirement_delete
from portal.reports.models import DailyFigure, KeptDay
from tests import factories

COURSE = "NHS|CSTF|Fire Safety - 2 Years|"
DAY = datetime.date(2026, 3, 2)
RETIRE = (
    "so it cannot be deleted: they are what the portal sent and reported. Retire it instead by unticking “Active”. "
    "People keep their history, and it stops counting from then on."
)


@pytest.fixture
def fire(db):
    """Asking nobody yet (fire wardens): one anyone was measured against is refused for that alone
    (test_requirement_delete_keeps_status_history), which would hide what these tests are about."""
    requirement = factories.make_requirement(
        name="Fire safety", applies_to_everyone=False, job_title_patterns=["Fire warden*"]
    )
    CompetenceMapping.objects.create(competence_name=COURSE, requirement=requirement)
    factories.make_staff(first_name="Sam", last_name="Person")
    refresh()
    return requirement


def _reminded(requirement):
    staff = factories.make_staff(first_name="Rea", last_name="Reminded")
    ReminderLog.objects.create(
        staff=staff, requirement=requirement, stage=ReminderLog.BEFORE, days_before=14, due_on=DAY,
        recipient=staff.work_email, subject="Fire safety is due on 2 March 2026",
    )  # fmt: skip


def _refused(requirement):
    staff = factories.make_staff(first_name="Gone", last_name="Mailbox")
    ReminderRefusal.objects.create(
        staff=staff, requirement=requirement, stage=ReminderLog.ON_DUE, due_on=DAY, recipient=staff.work_email,
        error="550 5.1.1 mailbox unavailable",
    )  # fmt: skip


def _kept(requirement):
    KeptDay.objects.create(day=DAY)
    DailyFigure.objects.create(
        day=DAY, team=factories.make_team(name="Estates"), requirement=requirement, required=4, compliant=3, overdue=1
    )


HELD = {
    "reminders sent": (_reminded, "reminders sent about it"),
    "reminders refused": (_refused, "reminders the mail server refused"),
    "kept figures": (_kept, "figures kept for past days' reports"),
}


def _kept_rows(requirement) -> tuple:
    return (
        Requirement.objects.filter(pk=requirement.pk).exists(),
        ReminderLog.objects.filter(requirement=requirement).count(),
        ReminderRefusal.objects.filter(requirement=requirement).count(),
        DailyFigure.objects.filter(requirement=requirement).count(),
        RequirementStatus.objects.filter(requirement=requirement).count(),
        CompetenceMapping.objects.filter(requirement=requirement).count(),
    )


def _no_audit_line() -> bool:
    changes = [AuditEvent.REQUIREMENT_CHANGED, AuditEvent.MAPPING_CHANGED]
    return not AuditEvent.objects.filter(action__in=changes).exists()


@pytest.mark.parametrize("held", sorted(HELD))
def test_the_cms_refuses_in_words_naming_what_holds_it_and_changes_nothing(cms, fire, held):
    make, words = HELD[held]
    make(fire)
    before = _kept_rows(fire)

    response = cms.post(reverse("wagtailsnippets_compliance_requirement:delete", args=[fire.pk]))

    assert response.status_code == 302
    assert f"“Fire safety” has {words} on record, {RETIRE}" in [
        str(message) for message in get_messages(response.wsgi_request)
    ]
    assert _kept_rows(fire) == before and before[0]
    assert _no_audit_line()


def test_the_service_names_everything_that_holds_it(fire):
    for make, _ in HELD.values():
        make(fire)
    before = _kept_rows(fire)

    with pytest.raises(RequirementError) as refused:
        requirement_delete(requirement=fire, user=None)

    assert str(refused.value) == (
        "“Fire safety” has reminders sent about it, reminders the mail server refused and figures kept for past "
        f"days' reports on record, {RETIRE}"
    )
    assert _kept_rows(fire) == before
    assert _no_audit_line()


@pytest.mark.parametrize("held", sorted(HELD))
def test_a_delete_round_the_service_is_refused_by_the_database_rows(fire, held):
    HELD[held][0](fire)

    with pytest.raises(ProtectedError):
        Requirement.objects.filter(pk=fire.pk).delete()

    assert Requirement.objects.filter(pk=fire.pk).exists()


def test_a_digest_names_no_requirement_and_holds_none(cms, fire):
    """A manager's weekly digest is about a person, not a requirement: it does not keep one on record."""
    staff = factories.make_staff(first_name="Max", last_name="Manager")
    ReminderLog.objects.create(
        staff=staff, requirement=None, stage=ReminderLog.DIGEST, due_on=DAY, recipient=staff.work_email, subject="x"
    )

    assert cms.post(reverse("wagtailsnippets_compliance_requirement:delete", args=[fire.pk])).status_code == 302

    assert not Requirement.objects.filter(pk=fire.pk).exists()
    assert ReminderLog.objects.filter(stage=ReminderLog.DIGEST).count() == 1


def test_a_requirement_added_by_mistake_is_still_deleted_with_its_mappings(cms, fire):
    assert RequirementStatus.objects.filter(requirement=fire).count() == 0

    assert cms.post(reverse("wagtailsnippets_compliance_requirement:delete", args=[fire.pk])).status_code == 302

    assert _kept_rows(fire) == (False, 0, 0, 0, 0, 0)
    change = AuditEvent.objects.get(action=AuditEvent.REQUIREMENT_CHANGED)
    assert (change.scope, change.detail["change"]) == ("Fire safety", "deleted")


def test_figures_kept_between_the_check_and_the_delete_are_named_too(fire, monkeypatch):
    """The nightly run keeping a day as the requirement is deleted: the rows hold it (PROTECT), and the refusal
    names them, not an evidence pack."""
    checked = []

    def nothing_held_yet(requirement):
        if not checked:
            checked.append(requirement)
            _kept(requirement)  # kept just after the check found nothing
            return []
        return held(requirement)

    held = requirement_reads.requirement_history_held
    monkeypatch.setattr(requirement_reads, "requirement_history_held", nothing_held_yet)

    with pytest.raises(RequirementError) as refused:
        requirement_delete(requirement=fire, user=None)

    assert str(refused.value) == f"“Fire safety” has figures kept for past days' reports on record, {RETIRE}"
    assert Requirement.objects.filter(pk=fire.pk).exists()
