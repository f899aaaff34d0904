"""Nobody changes their own record (voiding their evidence, pausing their requirements, importing their completion or a
roster row that changes their standing, removing their own HR role). An HR officer who is the only one in HR who can
sign in is told what happens and the way out (give a colleague the HR role), as the certificate refusal tells them
(test_certificate_own_sole_hr.py), not to "ask another member of HR" who does not exist. With a colleague who can sign
in, the refusal still sends them to that colleague. Each refusal changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance import pauses, projection
from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch
from portal.compliance.pauses import PauseError, pause_add
from portal.compliance.services import EvidenceError, evidence_void
from portal.people.hr_roles import RoleError, hr_role_remove
from portal.people.roles import hr_group
from tests import factories
from tests.compliance import test_completions_import_own_record as completions
from tests.compliance import test_roster_import_own_record as roster

THE_WAY_OUT = (
    "you are the only member of HR who can sign in, so it waits until someone else can: give a colleague the HR role "
    "on the HR roles page and ask them to"
)


def _hr_officer(**names):
    staff = factories.make_staff(**names)
    staff.user.groups.add(hr_group())
    factories.with_mfa(staff.user)
    return staff, factories.sign_in(Client(), staff.user)


@pytest.fixture
def alone(db):
    """Hana, the only HR officer, and a course she must do."""
    hana, client = _hr_officer(team=factories.make_team("Finance"), first_name="Hana", last_name="Alone")
    course = factories.make_requirement(name="Fire safety", renewal_months=12)
    projection.refresh()
    return {"hana": hana, "client": client, "course": course}


def _colleague_in_hr():
    return _hr_officer(first_name="Olu", last_name="Colleague")[0]


def test_voiding_your_own_evidence_as_the_only_hr_officer_says_the_way_out(alone):
    entry = factories.make_completion(alone["hana"], alone["course"])
    page = alone["client"].get(reverse("corrections:void", args=[entry.pk])).content.decode()
    assert f"You cannot void your own evidence, and {THE_WAY_OUT} void it." in page
    assert 'name="reason"' not in page
    with pytest.raises(EvidenceError, match=f"and {THE_WAY_OUT} void it"):
        evidence_void(entry=entry, reason="Wrong person", voided_by=alone["hana"].user)
    assert not EvidenceEntry.objects.filter(source=EvidenceEntry.VOID).exists()


def test_voiding_your_own_evidence_with_a_colleague_in_hr_says_ask_them(alone):
    _colleague_in_hr()
    entry = factories.make_completion(alone["hana"], alone["course"])
    page = alone["client"].get(reverse("corrections:void", args=[entry.pk])).content.decode()
    assert "You cannot void your own evidence. Ask another member of HR." in page and THE_WAY_OUT not in page


def _pause_yourself(alone):
    pause_add(
        staff=alone["hana"],
        requirements=None,
        reason_code=pauses.SUSPENSION,
        first_day=timezone.localdate(),
        last_day=None,
        user=alone["hana"].user,
    )


def test_pausing_yourself_as_the_only_hr_officer_says_the_way_out(alone):
    with pytest.raises(PauseError, match=f"You cannot pause your own requirements, and {THE_WAY_OUT} pause them"):
        _pause_yourself(alone)
    assert not EvidenceEntry.objects.filter(source=EvidenceEntry.PAUSE).exists()


def test_pausing_yourself_with_a_colleague_in_hr_says_ask_them(alone):
    _colleague_in_hr()
    with pytest.raises(PauseError) as refused:
        _pause_yourself(alone)
    assert str(refused.value) == "You cannot pause your own requirements. Ask another member of HR."


def test_a_colleague_whose_account_is_closed_does_not_count(alone):
    colleague = _colleague_in_hr()
    colleague.user.is_active = False
    colleague.user.save(update_fields=["is_active"])
    with pytest.raises(PauseError, match=THE_WAY_OUT):
        _pause_yourself(alone)


def test_your_own_completion_in_a_file_as_the_only_hr_officer_says_the_way_out(alone):
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=completions.COURSE, requirement=requirement)
    colleague = factories.make_staff(first_name="Cal", last_name="Colleague")
    data = completions._file(colleague.employee_number, alone["hana"].employee_number)
    batch = completions._upload(alone["client"], data)
    said = f"this is your own record. Y{THE_WAY_OUT[1:]} import it."
    page = alone["client"].get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert f"Line 3: {said}" in page and "Ask another member of HR" not in page
    response = alone["client"].post(reverse("imports:apply", args=[batch.pk]), follow=True)
    assert f"Not applied. Line 3: {said}" in response.content.decode()
    assert not EvidenceEntry.objects.exists()
    assert ImportBatch.objects.get().status == ImportBatch.PLANNED


def test_your_own_roster_row_as_the_only_hr_officer_says_the_way_out(alone):
    hana, today = alone["hana"], roster._today()
    batch = roster._upload(alone["client"], roster._file(roster._row(hana, start=today)))
    page = alone["client"].get(reverse("imports:batch", args=[batch.pk])).content.decode()
    facts = f"Start date: {hana.start_date:%d/%m/%Y} to {today}"
    said = f"this is your own record, and it changes what your training status is worked out from ({facts}). "
    assert f"Line 2: {said}Y{THE_WAY_OUT[1:]} apply it." in page
    response = alone["client"].post(reverse("imports:apply", args=[batch.pk]), follow=True)
    assert f"Not applied. Line 2: {said}Y{THE_WAY_OUT[1:]} apply it." in response.content.decode()
    hana.refresh_from_db()
    assert hana.start_date != timezone.localdate()


def test_removing_your_own_hr_role_as_the_only_officer_says_the_way_out(alone):
    hana, recorded = alone["hana"], AuditEvent.objects.filter(action=AuditEvent.ROLE_CHANGED).count()
    way_out = (
        "You cannot remove your own HR role, and you are the only HR officer who can sign in, so nobody can yet: give "
        "a colleague the HR role on this page first, then ask them to remove yours"
    )
    url = reverse("hr_roles:remove", args=[hana.user.pk])
    assert way_out in alone["client"].get(url).content.decode()
    response = alone["client"].post(url, {"reason": "Leaving HR"})
    assert response.status_code == 403 and way_out in response.content.decode()
    with pytest.raises(RoleError, match=way_out):
        hr_role_remove(account=hana.user, reason="Leaving HR", user=hana.user)
    assert hana.user.groups.filter(pk=hr_group().pk).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.ROLE_CHANGED).count() == recorded


def test_removing_your_own_hr_role_with_a_colleague_says_they_must(alone):
    _colleague_in_hr()
    hana = alone["hana"]
    page = alone["client"].get(reverse("hr_roles:remove", args=[hana.user.pk])).content.decode()
    assert "You cannot remove your own HR role: another HR officer must." in page
