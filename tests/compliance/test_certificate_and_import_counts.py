"""What held in review of 706bcf0 (one completion is one fact, whichever door brings it), kept: a file naming a
completion HR has verified a certificate of, under each of the person's two posts, beside other rows. The dry run
counts each of the file's rows once (its counts add up to the rows), the rows of the verified completion as already
recorded, and the apply says what the dry run said; the ledger keeps the certificate's entry alone for that day."""

import datetime

import pytest

from portal.compliance import ledger
from portal.compliance.certificates import certificate_decide, certificate_upload
from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch
from portal.compliance.status_check import status_check
from portal.people.models import Assignment
from portal.people.roles import hr_group
from tests import factories
from tests.compliance.test_certificates import PDF

COURSE = "NHS|CSTF|Safeguarding Children - Level 1 - 3 Years|"
DONE = datetime.date(2026, 1, 15)


@pytest.fixture
def hr(db):
    user = factories.with_mfa(factories.make_user(first_name="Hana", last_name="Officer"))
    user.groups.add(hr_group())
    return user


def test_a_verified_completion_under_two_posts_counts_as_already_recorded_in_the_dry_run_and_the_apply(hr):
    course = factories.make_requirement(name="Safeguarding Children Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=COURSE, requirement=course)
    sam, grace = factories.make_staff(employee_number="20002"), factories.make_staff(employee_number="20001")
    Assignment.objects.create(staff=sam, number="20002-2")
    certificate = certificate_upload(
        staff=sam, requirement=course, data=PDF, filename="c.pdf", completed_on=DONE, user=sam.user
    )
    certificate_decide(certificate=certificate, reviewer=hr, approve=True)
    day, next_day = f"{DONE:%d/%m/%Y}", f"{DONE + datetime.timedelta(days=1):%d/%m/%Y}"
    rows = [
        f"20002,{COURSE},{day}",
        f"20002-2,{COURSE},{day}",  # the same completion, under Sam's second post
        f"20001,{COURSE},{day}",
        f"20002,{COURSE},{next_day}",  # another day: another completion
        f"20001,NHS|CSTF|Not Mapped|,{day}",
    ]
    data = ("Person,Competence Name,Achievement Date\r\n" + "\r\n".join(rows) + "\r\n").encode()
    batch, plan = import_batch_create(kind="completions", data=data, filename="esr.csv", user=hr)
    counts = plan.summary
    assert (counts["rows"], counts["to_record"], counts["already_recorded"], counts["skipped_unmapped"]) == (5, 2, 2, 1)
    assert sum(value for name, value in counts.items() if name != "rows") == counts["rows"]

    import_batch_apply(batch=batch, user=hr)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE
    assert (batch.summary["recorded"], batch.summary["already_recorded"]) == (2, 2)
    sams = EvidenceEntry.objects.filter(staff=sam).order_by("completed_at").values_list("source", flat=True)
    assert list(sams) == [EvidenceEntry.CERTIFICATE, EvidenceEntry.IMPORT]
    assert EvidenceEntry.objects.filter(staff=grace, source=EvidenceEntry.IMPORT).count() == 1
    assert ledger.verify_chain().intact and status_check().differences == []
