"""HR verifies a certificate while the completions file naming the same completion is being applied: the chunk that
reaches the person reads the verification under their lock and records nothing of it (706bcf0). The batch's outcome
must say so: the completion was already recorded, not recorded by the file. Before, the apply counted every row of
its plan as recorded, so HR's page read '2 completions recorded; 0 were already recorded' with one recorded."""

import datetime

import pytest

from portal.compliance.certificates import certificate_decide, certificate_upload
from portal.compliance.imports import completions as completions_import
from portal.compliance.imports.services import import_batch_create, import_batch_run
from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch
from tests import factories
from tests.compliance.test_certificates import PDF

COURSE = "NHS|CSTF|Safeguarding Children - Level 1 - 3 Years|"
DONE = datetime.date(2026, 1, 15)


@pytest.fixture
def hr(user_factory):
    from portal.people.roles import hr_group

    user = factories.with_mfa(user_factory(first_name="Hana", last_name="Officer"))
    user.groups.add(hr_group())
    return user


def test_a_certificate_verified_between_chunks_is_counted_as_already_recorded(db, hr, monkeypatch):
    monkeypatch.setattr(completions_import, "CHUNK_ROWS", 1)
    course = factories.make_requirement(name="Safeguarding Children Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=COURSE, requirement=course)
    first, second = factories.make_staff(), factories.make_staff()
    lines = "".join(f"{p.employee_number},{COURSE},{DONE:%d/%m/%Y}\r\n" for p in (first, second))
    data = f"Person,Competence Name,Achievement Date\r\n{lines}".encode()
    batch, plan = import_batch_create(kind="completions", data=data, filename="esr.csv", user=hr)
    assert plan.can_apply and len(plan.to_record) == 2
    later = max(first, second, key=lambda p: p.pk)  # rows are applied person by person, in id order
    certificate = certificate_upload(
        staff=later, requirement=course, data=PDF, filename="c.pdf", completed_on=DONE, user=later.user
    )
    verified = []

    def verify_once():
        if not verified:
            verified.append(certificate_decide(certificate=certificate, reviewer=hr, approve=True))

    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.QUEUED)
    assert import_batch_run(batch.pk, between_chunks=verify_once) == ImportBatch.DONE
    batch.refresh_from_db()
    sources = EvidenceEntry.objects.filter(staff=later).values_list("source", flat=True)
    assert list(sources) == [EvidenceEntry.CERTIFICATE]
    assert EvidenceEntry.objects.filter(source=EvidenceEntry.IMPORT).count() == 1
    assert (batch.summary["recorded"], batch.summary["already_recorded"]) == (1, 1)
