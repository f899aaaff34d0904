"""A requirement anyone was ever measured against cannot be deleted, only retired: its status rows and its runs in
effective time (`StatusInterval`) are what the organisation report, the trend, team pages and exports "as it was" on
a past day read, and they are worked out from the requirement's own terms, so once it is gone they can neither be read
nor rebuilt (invariant 3). Before, `requirement_delete` took them with it (a requirement with no evidence, certificate,
round, pack, reminder or kept figure). Now it is refused in words naming how many people it was applied to, at every
door (the service, the CMS's delete, a delete round both: the rows hold it, PROTECT), and the refusal changes nothing
and writes no audit line, as the other refusals to delete a requirement. A requirement nobody was ever measured against
(added by mistake, asking no one) is still deleted, with its course mappings, and audited."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db.models import ProtectedError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from portal.audit.models import AuditEvent
from portal.compliance import requirement_reads
from portal.compliance.models import CompetenceMapping, Requirement, RequirementStatus, StatusInterval
from portal.compliance.projection import refresh
from portal.compliance.services import RequirementError, requirement_delete
from tests import factories

COURSE = "NHS|CSTF|Fire Safety - 2 Years|"
RETIRE = (
    "so it cannot be deleted: their status on it, day by day, is what reports about past days read, and without the "
    "requirement it cannot be worked out again. Retire it instead by unticking “Active”. People keep their history, "
    "and it stops counting from then on."
)


@pytest.fixture
def fire(db):
    """A requirement two people in post were measured against (no evidence, reminder, figure or pack names it)."""
    requirement = factories.make_requirement(name="Fire safety")
    CompetenceMapping.objects.create(competence_name=COURSE, requirement=requirement)
    factories.make_staff(first_name="Sam", last_name="Person", start_date=datetime.date(2020, 1, 6))
    factories.make_staff(first_name="Ria", last_name="Person", start_date=datetime.date(2021, 5, 3))
    refresh()
    return requirement


def _held(requirement) -> tuple:
    return (
        Requirement.objects.filter(pk=requirement.pk).exists(),
        RequirementStatus.objects.filter(requirement=requirement).count(),
        StatusInterval.objects.filter(requirement=requirement).count(),
        CompetenceMapping.objects.filter(requirement=requirement).count(),
    )


def _nothing_audited() -> bool:
    changes = [AuditEvent.REQUIREMENT_CHANGED, AuditEvent.MAPPING_CHANGED]
    return not AuditEvent.objects.filter(action__in=changes).exists()


def test_the_service_refuses_naming_how_many_people_it_was_applied_to(fire):
    before = _held(fire)
    assert before[1:3] >= (2, 2)  # two status rows, and their runs

    with pytest.raises(RequirementError) as refused:
        requirement_delete(requirement=fire, user=None)

    assert str(refused.value) == f"“Fire safety” has been applied to 2 people, {RETIRE}"
    assert _held(fire) == before
    assert _nothing_audited()


def test_the_cms_refuses_in_the_same_words_and_changes_nothing(cms, fire):
    before = _held(fire)

    response = cms.post(reverse("wagtailsnippets_compliance_requirement:delete", args=[fire.pk]))

    assert response.status_code == 302
    assert f"“Fire safety” has been applied to 2 people, {RETIRE}" in [
        str(message) for message in get_messages(response.wsgi_request)
    ]
    assert _held(fire) == before
    assert _nothing_audited()
    assert not ModelLogEntry.objects.filter(action="wagtail.delete").exists()  # the CMS's own log went back too


def test_a_leaver_whose_status_row_has_gone_still_holds_it_by_their_runs(fire):
    """Someone who has left keeps no status row, but their runs stay: the days they were measured are history."""
    RequirementStatus.objects.filter(requirement=fire, staff__first_name="Sam").delete()

    with pytest.raises(RequirementError) as refused:
        requirement_delete(requirement=fire, user=None)

    assert str(refused.value) == f"“Fire safety” has been applied to 2 people, {RETIRE}"
    assert StatusInterval.objects.filter(requirement=fire, staff__first_name="Sam").exists()


def test_one_person_is_named_as_one(fire):
    StatusInterval.objects.filter(requirement=fire, staff__first_name="Ria").delete()
    RequirementStatus.objects.filter(requirement=fire, staff__first_name="Ria").delete()

    with pytest.raises(RequirementError) as refused:
        requirement_delete(requirement=fire, user=None)

    assert str(refused.value) == f"“Fire safety” has been applied to 1 person, {RETIRE}"


@pytest.mark.parametrize("rows", [RequirementStatus, StatusInterval])
def test_a_delete_round_the_service_is_refused_by_the_rows(fire, rows):
    (StatusInterval if rows is RequirementStatus else RequirementStatus).objects.filter(requirement=fire).delete()

    with pytest.raises(ProtectedError):
        Requirement.objects.filter(pk=fire.pk).delete()

    assert Requirement.objects.filter(pk=fire.pk).exists()


def test_status_written_between_the_check_and_the_delete_is_named_too(fire, monkeypatch):
    """The task worker refreshing everyone's status as the requirement is deleted: the rows hold it (PROTECT), and
    the refusal names them, not an evidence pack."""
    checked = []

    def nobody_yet(requirement):
        if not checked:
            checked.append(requirement)
            return set()  # the check found no one; the rows are there by the delete
        return holders(requirement)

    holders = requirement_reads.status_holders
    monkeypatch.setattr(requirement_reads, "status_holders", nobody_yet)

    with pytest.raises(RequirementError) as refused:
        requirement_delete(requirement=fire, user=None)

    assert str(refused.value) == f"“Fire safety” has been applied to 2 people, {RETIRE}"
    assert _held(fire)[0]


def test_one_nobody_was_ever_measured_against_is_deleted_with_its_mappings(cms, db):
    nobody = factories.make_requirement(
        name="Astronaut induction", applies_to_everyone=False, job_title_patterns=["Astronaut*"]
    )
    CompetenceMapping.objects.create(competence_name=COURSE, requirement=nobody)
    factories.make_staff(first_name="Sam", last_name="Person", job_title="Porter")
    refresh()
    assert _held(nobody) == (True, 0, 0, 1)

    assert cms.post(reverse("wagtailsnippets_compliance_requirement:delete", args=[nobody.pk])).status_code == 302

    assert _held(nobody) == (False, 0, 0, 0)
    change = AuditEvent.objects.get(action=AuditEvent.REQUIREMENT_CHANGED)
    assert (change.scope, change.detail["change"], change.detail["people"]) == ("Astronaut induction", "deleted", 0)
