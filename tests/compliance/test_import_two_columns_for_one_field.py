"""Two columns an import reads as one field: a staff list with both "Email Address" (the one on the person's record,
often their own) and "Work Email", or both "Hire Date" and "Assignment Start Date". The first column was read and the
other listed as "not used", so the column order chose each person's sign-in email or start date without a word. Where
the two agree nothing changes; where they differ, every door refuses the file, naming the line and both columns."""

import pytest

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import ImportBatch
from portal.people.models import StaffMember, Team
from tests import factories
from tests.dry_runs import dry_run_refused

HEADER = "Employee Number,First Name,Last Name,Email Address,Organisation Code,Hire Date,Work Email"


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


@pytest.fixture
def team(db):
    return factories.make_team("Communications")


def roster(team, *emails: tuple[str, str]) -> bytes:
    rows = [
        f"{5001 + n},Sam,Taylor{n},{record},{team.code},01/04/2020,{work}" for n, (record, work) in enumerate(emails)
    ]
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


def test_two_email_columns_that_differ_stop_the_file(team, tmp_path):
    data = roster(team, ("sam0@example.nhs.uk", "sam0@example.nhs.uk"), ("sam.t@gmail.com", "sam1@example.nhs.uk"))
    message = (
        "Line 3: the columns 'Email Address' ('sam.t@gmail.com') and 'Work Email' ('sam1@example.nhs.uk') would each "
        "be read as the Work Email, and they differ. Remove the column that is not the one to read (or rename it), "
        "then upload the file again."
    )
    batch, plan = import_batch_create(kind="roster", data=data, filename="sip.csv", user=None)
    assert (plan.problems, plan.can_apply) == ([message], False)
    path = tmp_path / "sip.csv"
    path.write_bytes(data)
    assert f"problem: {message}" in dry_run_refused("import_file", "roster", str(path))
    import_batch_apply(batch=batch, user=None)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.FAILED and not StaffMember.objects.exists()


def test_two_email_columns_that_agree_are_read(team):
    data = roster(team, ("sam0@example.nhs.uk", "sam0@example.nhs.uk"))
    _, plan = import_batch_create(kind="roster", data=data, filename="sip.csv", user=None)
    assert plan.can_apply and plan.unused == ["Work Email"]


def test_two_code_columns_in_an_organisation_file_that_differ_stop_it(db):
    data = b"Org Code,Organisation Name,Code\r\nRX1,Trust,RX1\r\nRX1-C,Corporate,RX2\r\n"
    _, plan = import_batch_create(kind="organisation", data=data, filename="org.csv", user=None)
    assert [p.startswith("Line 3: the columns 'Org Code' ('RX1-C') and 'Code' ('RX2')") for p in plan.problems] == [
        True
    ]
    assert not Team.objects.exists()
