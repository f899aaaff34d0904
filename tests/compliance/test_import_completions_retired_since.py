"""A course mapped to a requirement HR has retired: its rows completed on or after the day it was retired are skipped
(no one is asked to do it any more), but a row completed while it was in force is a fact of those days, which reports
as at them count (`Requirement.in_force_on`), as a leaver's certificate for training done while they worked here is:
a file that arrives late records it."""

import datetime

from django.utils import timezone

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import ImportBatch
from portal.people.models import StaffMember
from portal.reports.selectors import requirement_lines_as_it_was

from .test_import_completions_retired_requirement import ADULTS, FIRE, fire, recorded, retire  # noqa: F401
from .test_import_utf16 import private_files  # noqa: F401 (autouse: the files in a folder of the test's own)

BEFORE = datetime.date(2025, 5, 14)


def _file(*rows: tuple[str, str, datetime.date]) -> bytes:
    lines = ["Person,Competence Name,Achievement Date,Expiry Date"]
    lines += [f'"{number}|Surname, Forename",{course},{done:%d/%m/%Y},' for number, course, done in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_a_completion_from_before_the_retirement_is_recorded_and_counts_as_it_was_then(fire):  # noqa: F811
    retire(fire)
    today = timezone.localdate()
    data = _file(("20001", FIRE, BEFORE), ("20002", FIRE, today), ("20001", ADULTS, BEFORE))
    batch, plan = import_batch_create(kind="completions", data=data, filename="late.csv", user=None)
    assert [row.line for row in plan.to_record] == [2, 4]
    assert plan.summary["skipped_retired"] == 1  # the row completed today, the day it was retired
    import_batch_apply(batch=batch, user=None, background=False)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    assert recorded() == [("20001", "Fire safety"), ("20001", "Safeguarding Adults Level 1")]
    staff = StaffMember.objects.get(employee_number="20001")
    lines = requirement_lines_as_it_was(staff, BEFORE + datetime.timedelta(days=30))
    assert [line.state for line in lines if line.requirement == fire] == ["compliant"]
