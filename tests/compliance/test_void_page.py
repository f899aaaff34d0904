"""HR corrects the record from the person's page: voids an entry (a completion, an import, a verified certificate, an
attestation) with a reason, in a session that proved its second factor. The entry is kept; a new entry voids it."""

import datetime
import hashlib
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance import ledger, status
from portal.compliance.certificates import certificate_decide
from portal.compliance.models import Certificate, EvidenceEntry, RequirementStatus
from portal.compliance.projection import refresh
from portal.compliance.services import EvidenceError, evidence_void
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories


@pytest.fixture
def world(db):
    def person(first, last, team):
        return factories.make_staff(user=factories.make_user(first_name=first, last_name=last), team=team)

    organisation = factories.make_team("Organisation", kind="organisation")
    comms = factories.make_team("Communications", parent=organisation)
    finance = factories.make_team("Finance", parent=organisation)
    sam = person("Sam", "Person", comms)
    manager = person("Grace", "Manager", comms)
    TeamManager.objects.create(staff=manager, team=comms)
    outsider = person("Owen", "Outsider", finance)
    hr = person("Hana", "Human-Resources", finance)
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    course = factories.make_requirement(name="Fire Safety", renewal_months=12)
    refresh()
    return {"sam": sam, "manager": manager, "outsider": outsider, "hr": hr, "course": course}


def client_for(staff, second_factor=True) -> Client:
    return factories.sign_in(Client(), staff.user, second_factor=second_factor)


def void_url(entry) -> str:
    return reverse("corrections:void", args=[entry.pk])


def state_of(staff, requirement) -> str:
    return RequirementStatus.objects.get(staff=staff, requirement=requirement).state(timezone.localdate())


def test_hr_voids_a_completion_from_the_persons_page(world):
    sam, course, hr = world["sam"], world["course"], world["hr"]
    entry = factories.make_completion(sam, course, source_ref="import batch 3 line 41")
    assert state_of(sam, course) == status.COMPLIANT
    client = client_for(hr)
    person_page = client.get(reverse("reports:team_person", args=[sam.pk])).content.decode()
    assert void_url(entry) in person_page

    page = client.get(void_url(entry)).content.decode()
    assert "Void an entry in Sam Person's record" in page and "import batch 3 line 41" in page
    assert "nhsuk-warning-callout" in page and "they may become overdue" in page
    assert 'name="reason"' in page and "Void this entry" in page and "csrfmiddlewaretoken" in page

    response = client.post(void_url(entry), {"reason": "Imported against the wrong person"})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:team_person", args=[sam.pk])
    void = EvidenceEntry.objects.get(source=EvidenceEntry.VOID)
    assert void.voids == entry and void.reason == "Imported against the wrong person" and void.recorded_by == hr.user
    assert state_of(sam, course) == status.OVERDUE  # in post since 2020, with nothing else recorded
    entry.refresh_from_db()
    assert ledger.entry_hash(entry) == entry.content_hash  # kept as it was
    out = StringIO()
    call_command("verify_evidence", stdout=out)
    assert "Evidence ledger intact: 2 entries checked" in out.getvalue()
    event = AuditEvent.objects.get(action=AuditEvent.EVIDENCE_VOIDED)
    assert event.actor == hr.user and event.scope == "Sam Person: Fire Safety"
    assert event.detail["reason"] == "Imported against the wrong person" and event.detail["entry_seq"] == entry.seq
    assert event.detail["ip"] == "127.0.0.1"

    after = client.get(response["Location"]).content.decode()
    assert "Entry voided." in after and "Withdrawn" in after
    assert "Imported against the wrong person" in after and "by Hana Human-Resources" in after
    assert void_url(entry) not in after  # nothing left to void


def test_a_new_starter_is_not_started_again_after_their_only_completion_is_voided(world):
    starter = factories.make_staff(
        team=world["sam"].team, first_name="Nia", last_name="New", start_date=timezone.localdate()
    )
    refresh(staff_ids=[starter.pk])
    entry = factories.make_completion(starter, world["course"])
    client_for(world["hr"]).post(void_url(entry), {"reason": "Recorded against the wrong person"})
    # Nothing done, and the end of the 28-day new-starter window is inside the 30-day due-soon window.
    assert state_of(starter, world["course"]) == status.DUE_SOON


def test_voiding_the_latest_completion_falls_back_to_the_one_before(world):
    sam, course = world["sam"], world["course"]
    older = factories.make_completion(sam, course, timezone.now() - datetime.timedelta(days=100))
    wrong = factories.make_completion(sam, course, timezone.now() - datetime.timedelta(days=1))
    client_for(world["hr"]).post(void_url(wrong), {"reason": "Duplicate from the national record"})
    row = RequirementStatus.objects.get(staff=sam, requirement=course)
    assert row.evidence == older


def test_a_verified_certificate_and_an_attestation_can_be_voided(world, policy, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path), "base_url": None}
    sam, hr = world["sam"], world["hr"]
    attest = factories.make_requirement(name="Social media policy", kind="attest_policy", page=policy)
    refresh()
    attestation = factories.make_completion(
        sam, attest, source=EvidenceEntry.ATTESTATION, snapshot=factories.make_snapshot(policy, "1")
    )
    scan = b"%PDF-1.4"  # HR verifies the stored file the upload recorded (certificates.certificate_decide)
    certificate = Certificate.objects.create(
        staff=sam,
        requirement=world["course"],
        file=ContentFile(scan, name="certificate.pdf"),
        original_name="certificate.pdf",
        content_type="application/pdf",
        size=len(scan),
        sha256=hashlib.sha256(scan).hexdigest(),
        completed_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    reviewer = factories.with_mfa(factories.make_user(first_name="Rae", last_name="Reviewer"))
    reviewer.groups.add(hr_group())
    certificate = certificate_decide(certificate=certificate, reviewer=reviewer, approve=True)
    client = client_for(hr)
    for entry, requirement in ((attestation, attest), (certificate.evidence, world["course"])):
        assert state_of(sam, requirement) == status.COMPLIANT
        assert client.post(void_url(entry), {"reason": "Verified in error"}).status_code == 302
        assert state_of(sam, requirement) == status.OVERDUE
    assert EvidenceEntry.objects.filter(source=EvidenceEntry.VOID).count() == 2


@pytest.mark.parametrize("who", ["sam", "manager", "outsider"])
def test_the_person_their_manager_and_an_outsider_cannot_void(world, who):
    entry = factories.make_completion(world["sam"], world["course"])
    client = client_for(world[who])
    assert client.get(void_url(entry)).status_code == 403
    assert client.post(void_url(entry), {"reason": "Not mine"}).status_code == 403
    if who == "manager":
        page = client.get(reverse("reports:team_person", args=[world["sam"].pk])).content.decode()
        assert "Sam Person" in page and void_url(entry) not in page
    assert not EvidenceEntry.objects.filter(source=EvidenceEntry.VOID).exists()


def test_hr_without_a_proven_second_factor_is_sent_to_enter_the_code(world):
    entry = factories.make_completion(world["sam"], world["course"])
    client = client_for(world["hr"], second_factor=False)
    for response in (client.get(void_url(entry)), client.post(void_url(entry), {"reason": "Wrong person"})):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/reauthenticate/")
    assert not EvidenceEntry.objects.filter(source=EvidenceEntry.VOID).exists()


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    entry = factories.make_completion(world["sam"], world["course"])
    response = client.post(void_url(entry), {"reason": "Wrong person"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_double_submitted_void_records_one_correction(world):
    entry = factories.make_completion(world["sam"], world["course"])
    client = client_for(world["hr"])
    first = client.post(void_url(entry), {"reason": "Wrong person"})
    second = client.post(void_url(entry), {"reason": "Wrong person"})
    assert first.status_code == second.status_code == 302
    assert EvidenceEntry.objects.filter(source=EvidenceEntry.VOID).count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.EVIDENCE_VOIDED).count() == 1
    assert "already voided" in client.get(second["Location"]).content.decode()
    page = client.get(void_url(entry)).content.decode()
    assert "This entry was voided on" in page and "Wrong person" in page and 'name="reason"' not in page
    # The service, called twice, answers with the same correction.
    assert evidence_void(entry=entry, reason="Again", voided_by=world["hr"].user).reason == "Wrong person"
    assert EvidenceEntry.objects.filter(source=EvidenceEntry.VOID).count() == 1


def test_a_correction_cannot_itself_be_voided(world):
    entry = factories.make_completion(world["sam"], world["course"])
    void = evidence_void(entry=entry, reason="Wrong person", voided_by=world["hr"].user)
    client = client_for(world["hr"])
    assert client.get(void_url(void)).status_code == 404
    assert client.post(void_url(void), {"reason": "Undo"}).status_code == 404
    with pytest.raises(EvidenceError, match="cannot itself be voided"):
        evidence_void(entry=void, reason="Undo", voided_by=world["hr"].user)
    assert EvidenceEntry.objects.filter(source=EvidenceEntry.VOID).count() == 1


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Give the reason for voiding this entry"),
        ("   ", "Give the reason for voiding this entry"),
        ("Wrong\x00person", "contains the control character U+0000"),
        ("Wrong\x07person", "contains the control character U+0007"),
        ("Wrong\tperson", "contains the control character U+0009"),
        ("\u202enosrep gnorW", "contains the hidden character U+202E"),
        ("x" * 1001, "1000 characters or fewer"),
    ],
    ids=["empty", "spaces", "NUL", "bell", "tab", "override", "too long"],
)
def test_a_reason_is_required_and_must_be_plain_text(world, reason, message):
    entry = factories.make_completion(world["sam"], world["course"])
    response = client_for(world["hr"]).post(void_url(entry), {"reason": reason})
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and message in page and "<title>Error:" in page
    assert not EvidenceEntry.objects.filter(source=EvidenceEntry.VOID).exists()
    assert state_of(world["sam"], world["course"]) == status.COMPLIANT


def test_a_reason_may_run_over_several_lines(world):
    entry = factories.make_completion(world["sam"], world["course"])
    client_for(world["hr"]).post(void_url(entry), {"reason": "Imported twice.\r\nSee ticket 4411."})
    assert EvidenceEntry.objects.get(source=EvidenceEntry.VOID).reason == "Imported twice.\r\nSee ticket 4411."


def test_hr_cannot_void_their_own_evidence(world):
    hr = world["hr"]
    entry = factories.make_completion(hr, world["course"])
    client = client_for(hr)
    page = client.get(void_url(entry)).content.decode()
    # The only HR officer here: told the way out (test_own_record_only_hr.py), not to ask a colleague
    assert "You cannot void your own evidence, and you are the only member of HR" in page
    assert 'name="reason"' not in page
    response = client.post(void_url(entry), {"reason": "Mine was wrong"})
    assert response.status_code == 403 and "You cannot void your own evidence" in response.content.decode()
    with pytest.raises(EvidenceError, match="your own evidence"):
        evidence_void(entry=entry, reason="Mine was wrong", voided_by=hr.user)
    assert not EvidenceEntry.objects.filter(source=EvidenceEntry.VOID).exists()


def test_the_person_sees_the_withdrawn_entry_with_the_reason_who_and_when(world):
    entry = factories.make_completion(world["sam"], world["course"])
    client_for(world["hr"]).post(void_url(entry), {"reason": "Imported against the wrong person"})
    page = client_for(world["sam"]).get(reverse("reports:my_training")).content.decode()
    history = page[page.index("My history") :]
    assert "Withdrawn" in history and "Imported against the wrong person" in history
    assert "by Hana Human-Resources" in history and timezone.localdate().strftime("%-d %B %Y") in history
    assert "corrections" not in history  # no way to void from one's own page
    manager_page = client_for(world["manager"]).get(reverse("reports:team_person", args=[world["sam"].pk]))
    assert "Imported against the wrong person" in manager_page.content.decode()


def test_an_as_at_history_shows_only_corrections_recorded_by_then(world, monkeypatch):
    sam, real_now = world["sam"], timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: real_now - datetime.timedelta(days=2))
    factories.make_completion(sam, world["course"], source_ref="recorded two days ago")
    monkeypatch.setattr(timezone, "now", lambda: real_now)
    client = client_for(world["hr"])
    entry = EvidenceEntry.objects.get()
    client.post(void_url(entry), {"reason": "Imported against the wrong person"})
    url = reverse("reports:team_person", args=[sam.pk])
    assert "Imported against the wrong person" in client.get(url).content.decode()
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    before = client.get(url, {"as_at": yesterday, "basis": "as_recorded"}).content.decode()
    history = before[before.index("History") :]
    assert "Fire Safety" in history and "Withdrawn" not in history and "wrong person" not in history
    assert void_url(entry) not in before  # corrections are made to the record as it is now
    # As it was, from what we know now, the correction reaches back: the entry shows as withdrawn.
    as_it_was = client.get(url, {"as_at": yesterday}).content.decode()
    history = as_it_was[as_it_was.index("History as it was") :]
    assert "Withdrawn" in history and "Imported against the wrong person" in history
    assert void_url(entry) not in as_it_was


def test_the_void_page_runs_a_fixed_number_of_queries(world):
    sam, course = world["sam"], world["course"]
    entry = factories.make_completion(sam, course)
    client = client_for(world["hr"])
    url = void_url(entry)
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    # 1 session, 2 user, 3 HR?, 4 the entry with its person, requirement, version and recorder, 5 its correction, if
    # any. (Whether there is a second factor to prove is kept in the session: no query.)
    small = count()
    for days in range(5):
        factories.make_completion(sam, course, timezone.now() - datetime.timedelta(days=days + 2))
    assert count() == small == 5
