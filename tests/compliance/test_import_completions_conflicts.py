"""The same completion twice in one completions file (person, requirement, day) with two different expiry dates: an
export joined from two reports, or a row corrected by hand below the original. The file used to keep whichever came
first and count the other as "already recorded", so the person's expiry was a matter of row order. Now the later row
is refused, naming both lines and both dates, and nothing is recorded until HR keeps the right one. The same row
twice, expiry and all, is still one completion."""

import datetime

import pytest

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch
from tests import factories
from tests.dry_runs import dry_run_refused

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
ADULTS_OLD_NAME = "NHS|CSTF|Safeguarding Adults - Level 1|"
HEADER = "Employee Number,Competence Name,Achievement Date,Expiry Date"


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


@pytest.fixture
def grace(db):
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    for name in (ADULTS, ADULTS_OLD_NAME):
        CompetenceMapping.objects.create(competence_name=name, requirement=requirement)
    return factories.make_staff(employee_number="20001", first_name="Grace", last_name="Jones")


def completions(*rows: str) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


@pytest.mark.parametrize(
    ("second", "said"),
    [
        (f"20001,{ADULTS},02/02/2025,02/02/2027", "(02/02/2026 there, 02/02/2027 here)"),
        (f"20001,{ADULTS_OLD_NAME},02/02/2025,", "(02/02/2026 there, none here)"),
    ],
    ids=["another expiry", "another course name, no expiry"],
)
def test_one_completion_with_two_expiry_dates_is_refused(grace, tmp_path, second, said):
    data = completions(f"20001,{ADULTS},02/02/2025,02/02/2026", second)
    message = (
        f"Line 2 gives the same completion of Safeguarding Adults Level 1 on 02/02/2025 with another Expiry Date "
        f"{said}: keep the right one"
    )
    batch, plan = import_batch_create(kind="completions", data=data, filename="olm.csv", user=None)
    assert (plan.rejected, plan.can_apply) == ([(3, message)], False)
    path = tmp_path / "olm.csv"
    path.write_bytes(data)
    assert f"line 3: {message}" in dry_run_refused("import_file", "completions", str(path))
    import_batch_apply(batch=batch, user=None)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.FAILED and not EvidenceEntry.objects.exists()


def test_the_same_row_twice_is_still_one_completion(grace):
    row = f"20001,{ADULTS},02/02/2025,02/02/2026"
    batch, plan = import_batch_create(kind="completions", data=completions(row, row), filename="olm.csv", user=None)
    assert plan.can_apply and (len(plan.to_record), plan.already) == (1, 1)
    import_batch_apply(batch=batch, user=None, background=False)
    assert EvidenceEntry.objects.get().expires_on == datetime.date(2026, 2, 2)
