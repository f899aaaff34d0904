"""The organisation report, exports and evidence packs about a past day count evidence by the level families as they
stood that day, on both clocks: Fay holds Safeguarding Children Level 3 since long ago; Level 1 joined its family 30
days ago, so as at 40 days ago she had not done Level 1 (as the report said then), and today she has; Level 1 leaving
the family, the other way round. A pack about a day before a family change made after it still verifies."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from portal.compliance import projection
from portal.compliance.models import Requirement
from portal.compliance.services import requirement_save
from portal.people.models import StaffChange, Team
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from portal.reports.organisation import organisation_report
from tests import factories
from tests.dbrole import as_owner
from tests.reports.conftest import client_for
from tests.reports.pack_doors import pack_downloaded, pack_made

# The day each test runs, and days from it: read as the test begins (_read_the_day), before any test freezes or
# moves the clock. Read when the file was imported, a run going past midnight used yesterday's.
NOW, TODAY, LONG_AGO, DAY, CHANGED = (None,) * 5


@pytest.fixture(autouse=True)
def _read_the_day():
    global NOW, TODAY, LONG_AGO, DAY, CHANGED
    NOW = timezone.now()
    TODAY = timezone.localdate()
    LONG_AGO = NOW - datetime.timedelta(days=120)
    DAY = TODAY - datetime.timedelta(days=40)
    CHANGED = NOW - datetime.timedelta(days=30)


FAMILY = "Safeguarding Children"
LEVEL_ONE = f"{FAMILY} Level 1"
BASES = [AS_IT_WAS, AS_RECORDED]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    settings.PORTAL_RECEIPT_DIR = str(tmp_path / "receipts")


def _family(org, level_one_in_family: bool) -> Requirement:
    """Levels 1 and 3 long ago, Fay's Level 3 recorded then, the roster loaded long ago. Returns Level 1."""
    with as_owner():  # the roster's history is never changed: only the owner may backdate it
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=500))
    with freeze_time(LONG_AGO):
        one = factories.make_requirement(
            name=LEVEL_ONE,
            level_family=FAMILY if level_one_in_family else "",
            level=1 if level_one_in_family else None,
            renewal_months=36,
        )
        three = factories.make_requirement(name=f"{FAMILY} Level 3", level_family=FAMILY, level=3, renewal_months=36)
        projection.refresh()
        factories.make_completion(org["fin"], three, completed_at=LONG_AGO)
    return one


def _set_level(requirement, family: str, level: int | None, user, at=None):
    with freeze_time(at or timezone.now(), tick=True):
        requirement = Requirement.objects.get(pk=requirement.pk)
        requirement.level_family, requirement.level = family, level
        requirement_save(requirement=requirement, user=user)


@pytest.fixture
def joined(org, hr):
    one = _family(org, level_one_in_family=False)
    _set_level(one, FAMILY, 1, hr.user, at=CHANGED)
    return one


@pytest.fixture
def left(org, hr):
    one = _family(org, level_one_in_family=True)
    _set_level(one, "", None, hr.user, at=CHANGED)
    return one


def _fays_level_one(client, day: datetime.date | None, basis: str) -> dict[str, str]:
    query = {"team": Team.objects.get(depth=1).pk, **({"as_at": day.isoformat(), "basis": basis} if day else {})}
    response = client.get(reverse("exports:csv"), query)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    start = next(i for i, row in enumerate(rows) if row[:2] == ["Employee number", "Name"])
    found = [dict(zip(rows[start], row, strict=True)) for row in rows[start + 1 :]]
    [row] = [row for row in found if row["Name"] == "Fay Finance" and row["Requirement"] == LEVEL_ONE]
    return row


def _compliant_on_level_one(one, day: datetime.date | None, basis: str) -> int:
    report = organisation_report(Team.objects.get(depth=1), as_at=day, today=TODAY, basis=basis)
    return report.totals[one.pk].compliant


@pytest.mark.parametrize("basis", BASES)
def test_a_day_before_level_one_joined_the_family_the_higher_level_did_not_count(joined, hr, basis):
    client = client_for(hr)
    assert _fays_level_one(client, DAY, basis)["Completed on"] == ""
    assert _compliant_on_level_one(joined, DAY, basis) == 0
    assert _fays_level_one(client, TODAY, basis)["Completed on"] != ""
    assert _fays_level_one(client, None, basis)["Completed on"] != ""
    assert _compliant_on_level_one(joined, None, basis) == 1


@pytest.mark.parametrize("basis", BASES)
def test_a_day_before_level_one_left_the_family_the_higher_level_counted(left, hr, basis):
    client = client_for(hr)
    then = _fays_level_one(client, DAY, basis)
    assert then["Completed on"] != "" and then["Ledger entry"] != ""
    assert _compliant_on_level_one(left, DAY, basis) == 1
    assert _fays_level_one(client, TODAY, basis)["Completed on"] == ""
    assert _compliant_on_level_one(left, None, basis) == 0


@pytest.mark.parametrize("basis", BASES)
def test_a_pack_about_a_day_before_a_family_change_made_since_still_verifies(left, org, hr, tmp_path, capsys, basis):
    client = client_for(hr)
    pdf, twin = pack_downloaded(client, pack_made(client, org["finance"], DAY, basis), tmp_path)
    [row] = [r for r in csv.reader(io.StringIO(twin.read_text("utf-8-sig"))) if "Fay Finance" in r and LEVEL_ONE in r]
    assert "Compliant" in row
    _set_level(left, FAMILY, 1, hr.user, at=timezone.now() + datetime.timedelta(minutes=1))  # back in the family

    call_command("verify_pack", str(pdf), str(twin))
    assert "The pack matches the records." in capsys.readouterr().out
