"""One completion of an external course (a person, the course, the day) is one fact, whichever door brings it: the
national e-learning records (a file, or the API, which is the same service) and a certificate HR verifies. Before,
each door checked only its own: a certificate verified for a day the import had recorded (or the other way round)
put the same completion in the ledger twice, in the person's history twice and in every evidence pack twice."""

import datetime
import itertools

import pytest
from django.db import connection
from django.urls import reverse

from portal.compliance import ledger
from portal.compliance.certificates import CertificateError, certificate_decide, certificate_upload
from portal.compliance.completions import plan_completions
from portal.compliance.dates import moment_on
from portal.compliance.imports.completions import record_in_chunks
from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import Certificate, CompetenceMapping, EvidenceEntry, RequirementStatus
from portal.compliance.services import evidence_void
from portal.compliance.status_check import status_check
from tests import factories
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PDF, upload
from tests.compliance.test_concurrency import _all_at_once

staff, course, hr, other_client = (
    test_certificates.staff,
    test_certificates.course,
    test_certificates.hr,
    test_certificates.other_client,
)
COURSE = "NHS|CSTF|Safeguarding Children - Level 1 - 3 Years|"
DONE = datetime.date(2026, 1, 15)


@pytest.fixture
def mapped(course):
    CompetenceMapping.objects.create(competence_name=COURSE, requirement=course)
    return course


def esr(staff, day=DONE) -> bytes:
    return f"Person,Competence Name,Achievement Date\r\n{staff.employee_number},{COURSE},{day:%d/%m/%Y}\r\n".encode()


def imported(staff, hr, day=DONE):
    """The national record of `staff`'s completion on `day`, imported by HR; the dry run's counts."""
    batch, plan = import_batch_create(kind="completions", data=esr(staff, day), filename="esr.csv", user=hr)
    assert plan.can_apply
    import_batch_apply(batch=batch, user=hr)
    return plan.summary


def uploaded(staff, course, day=DONE, data=PDF):
    return certificate_upload(
        staff=staff, requirement=course, data=data, filename="certificate.pdf", completed_on=day, user=staff.user
    )


def completions(staff, course):
    return list(EvidenceEntry.objects.filter(staff=staff, requirement=course).values_list("source", flat=True))


def test_an_upload_for_a_day_the_import_recorded_is_refused_and_says_so(person_client, staff, mapped, hr):
    imported(staff, hr)
    response = upload(person_client, mapped, PDF, completed=DONE.isoformat())
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert (
        "Your completion of Safeguarding Children Level 1 on 15 January 2026 is already recorded, from the national "
        "e-learning records: there is no need to upload a certificate for it."
    ) in html
    assert not Certificate.objects.exists()
    assert completions(staff, mapped) == [EvidenceEntry.IMPORT]


def test_a_certificate_waiting_when_the_import_records_its_day_cannot_be_verified(staff, mapped, hr):
    certificate = uploaded(staff, mapped)
    imported(staff, hr)
    with pytest.raises(CertificateError) as refused:
        certificate_decide(certificate=certificate, reviewer=hr, approve=True)
    assert str(refused.value) == (
        "The national e-learning records already record Priya Shah's completion of Safeguarding Children Level 1 on "
        "15 January 2026 (import batch "
        f"{EvidenceEntry.objects.get().source_ref.removeprefix('import batch ')}), so verifying this certificate "
        "would record it twice. Reject it instead, saying why."
    )
    certificate.refresh_from_db()
    assert certificate.status == Certificate.PENDING
    assert completions(staff, mapped) == [EvidenceEntry.IMPORT]


def test_the_refusal_is_shown_on_hrs_queue(staff, mapped, hr, other_client):
    certificate = uploaded(staff, mapped)
    imported(staff, hr)
    browser = factories.sign_in(other_client, hr)
    page = browser.post(
        reverse("certificates:decide", args=[certificate.pk]), {"decision": "approve"}, follow=True
    ).content.decode()
    assert "already record Priya Shah&#x27;s completion of Safeguarding Children Level 1 on 15 January 2026" in page
    assert completions(staff, mapped) == [EvidenceEntry.IMPORT]


def test_an_import_of_a_day_a_certificate_proved_is_already_recorded(staff, mapped, hr):
    certificate_decide(certificate=uploaded(staff, mapped), reviewer=hr, approve=True)
    summary = imported(staff, hr)
    assert (summary["to_record"], summary["already_recorded"]) == (0, 1)
    assert completions(staff, mapped) == [EvidenceEntry.CERTIFICATE]
    assert ledger.verify_chain().intact and status_check().differences == []  # verify_evidence --status


def test_a_file_planned_before_the_verification_records_nothing_of_it(staff, mapped, hr):
    """The plan, read before HR verified the certificate, still holds the row: the chunk reads again under the lock."""
    [row] = plan_completions(esr(staff)).to_record
    certificate_decide(certificate=uploaded(staff, mapped), reviewer=hr, approve=True)
    entry = {"staff_id": row.staff_id, "requirement_id": row.requirement_id, "source": EvidenceEntry.IMPORT}
    entry |= {"idempotency_key": row.key, "source_ref": "import batch 1 line 2", "completed_at": moment_on(DONE)}
    record_in_chunks([entry])
    assert completions(staff, mapped) == [EvidenceEntry.CERTIFICATE]
    assert ledger.verify_chain().intact


def test_another_day_is_another_completion_from_either_door(staff, mapped, hr):
    certificate_decide(certificate=uploaded(staff, mapped), reviewer=hr, approve=True)
    later = DONE + datetime.timedelta(days=1)
    assert imported(staff, hr, day=later)["to_record"] == 1
    certificate = uploaded(staff, mapped, day=later - datetime.timedelta(days=400), data=test_certificates.PNG)
    certificate_decide(certificate=certificate, reviewer=hr, approve=True)
    assert sorted(completions(staff, mapped)) == [EvidenceEntry.CERTIFICATE] * 2 + [EvidenceEntry.IMPORT]


def test_a_voided_import_no_longer_stands_in_the_certificates_way(staff, mapped, hr, user_factory):
    imported(staff, hr)
    evidence_void(entry=EvidenceEntry.objects.get(), reason="Another Priya's record", voided_by=hr)
    certificate = uploaded(staff, mapped)
    certificate_decide(certificate=certificate, reviewer=hr, approve=True)
    row = RequirementStatus.objects.get(staff=staff, requirement=mapped)
    assert row.evidence.source == EvidenceEntry.CERTIFICATE and row.completed_on == DONE


def test_a_voided_verification_no_longer_stands_in_the_imports_way(staff, mapped, hr):
    certificate = uploaded(staff, mapped)
    certificate_decide(certificate=certificate, reviewer=hr, approve=True)
    evidence_void(entry=EvidenceEntry.objects.get(), reason="Not her certificate", voided_by=hr)
    assert imported(staff, hr)["to_record"] == 1
    row = RequirementStatus.objects.get(staff=staff, requirement=mapped)
    assert row.evidence.source == EvidenceEntry.IMPORT and row.completed_on == DONE


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database for real concurrency")
@pytest.mark.django_db(transaction=True)
def test_verified_and_imported_at_the_same_moment_record_one_completion(person, hr):
    """HR verifies the certificate while another HR officer applies the file naming the same day: whichever takes
    the person's lock first records it, and the other finds it."""
    priya = factories.make_staff(user=person)
    course = factories.make_requirement(name="Safeguarding Children Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=COURSE, requirement=course)
    certificate = uploaded(priya, course)
    batch, plan = import_batch_create(kind="completions", data=esr(priya), filename="esr.csv", user=hr)
    assert plan.can_apply
    works = [
        lambda: certificate_decide(certificate=certificate, reviewer=hr, approve=True),
        lambda: import_batch_apply(batch=batch, user=hr),
    ]
    turn = itertools.count()  # next() on it is atomic: each thread takes one of the two
    results = _all_at_once(lambda: works[next(turn)](), count=2)
    refused = [result for result in results if isinstance(result, Exception)]
    assert all(isinstance(result, CertificateError) for result in refused), results
    assert len(completions(priya, course)) == 1
    assert ledger.verify_chain().intact and status_check().differences == []
