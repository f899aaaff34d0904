"""An evidence pack made before someone was renamed by the roster import still verifies afterwards, on both clocks:
rebuilt at its cut-off, its spreadsheet names each person as the portal knew them then (`people.IdentityChange`,
`history.identities_before`), as the pack does, and `verify_pack` says who was renamed since. Before, the rows were
rebuilt with the name now, so a genuine pack was called false ("Rebuilt from the ledger, the CSV differs"). A pack
made after the rename about a day before it names people as recorded at its cut-off too, on its pages and in its rows.
A completion HR corrects after the pack leaves it verifying too, the correction named for a pack as it was. HR's CSV
export as recorded then names people as the pack does.
"""

import csv
import datetime
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from portal.compliance.models import EvidenceEntry, Requirement
from portal.people.models import StaffMember
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from tests import factories
from tests.reports import test_team_history_packs
from tests.reports.conftest import client_for
from tests.reports.pack_doors import pack_downloaded, pack_made
from tests.reports.test_packs import _pdf_text

# The organisation as the roster recorded it 500 days ago, each test's own private storage, verify_pack's output; the
# past day the packs are about (40 days before the test runs, read then).
history, _private_media, _verify, _day, DAYS_AGO = (
    test_team_history_packs.history,
    test_team_history_packs._private_media,
    test_team_history_packs._verify,
    test_team_history_packs._day,
    test_team_history_packs.DAYS_AGO,
)


def renamed_by_the_roster(staff: StaffMember, last_name: str, tmp_path) -> None:
    """A staff list from ESR giving `staff` a new last name, everything else as it was, applied from the command
    line a minute later (a pack's receipt is timed to the second)."""
    changed_by_the_roster(staff, tmp_path, last_name=last_name)
    assert StaffMember.objects.get(pk=staff.pk).last_name == last_name


def changed_by_the_roster(staff: StaffMember, tmp_path, *, last_name: str = "", employment: str = "") -> None:
    """A staff list from ESR giving `staff` the last name and employment type given (else as they are), everything
    else as it was, applied from the command line a minute later."""
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Employee Number,First Name,Last Name,Work Email,Job Title,Staff Group,Org Code,Start Date"
        f"{',Employment Type' if employment else ''}\r\n"
        f"{staff.employee_number},{staff.first_name},{last_name or staff.last_name},{staff.work_email},"
        f"{staff.job_title},{staff.staff_group},{staff.team.code},{staff.start_date:%d/%m/%Y}"
        f"{f',{employment}' if employment else ''}\r\n"
    )
    with freeze_time(timezone.now() + datetime.timedelta(minutes=1), tick=True):
        call_command("import_roster", str(roster), "--apply", stdout=StringIO())


def verified_later(pdf, twin, capsys) -> str:
    """verify_pack's output, run after the change made a minute later (so that it is known to a pack made now)."""
    with freeze_time(timezone.now() + datetime.timedelta(minutes=2), tick=True):
        return _verify(pdf, twin, capsys)


@pytest.mark.parametrize(("basis", "days_ago"), [(AS_IT_WAS, DAYS_AGO), (AS_RECORDED, DAYS_AGO), (AS_RECORDED, 0)])
def test_a_pack_verifies_after_someone_in_it_is_renamed(history, hr, tmp_path, capsys, basis, days_ago):
    client = client_for(hr)
    grace = history["manager"]
    pdf, twin = pack_downloaded(client, pack_made(client, history["comms"], _day(days_ago), basis), tmp_path)
    assert f"{grace.employee_number},Grace Manager,".encode() in twin.read_bytes()
    renamed_by_the_roster(grace, "Manager-Okafor", tmp_path)

    out = verified_later(pdf, twin, capsys)
    assert "The pack matches the records." in out and "byte for byte the same" in out
    assert (
        "People renamed or renumbered since the pack's cut-off are shown as they were then: Grace Manager "
        f"({grace.employee_number}; now Grace Manager-Okafor, {grace.employee_number})." in out
    )
    if basis == AS_IT_WAS:
        assert f"Named Grace Manager-Okafor, employee number {grace.employee_number}, for Grace Manager-Okafor" in out


def test_a_pack_made_after_a_rename_about_a_day_before_it_names_the_person_as_recorded_then(
    history, hr, tmp_path, capsys
):
    grace, day = history["manager"], _day()
    renamed_by_the_roster(grace, "Manager-Okafor", tmp_path)
    client = client_for(hr)
    with freeze_time(timezone.now() + datetime.timedelta(minutes=2), tick=True):
        pdf, twin = pack_downloaded(client, pack_made(client, history["comms"], day, AS_RECORDED), tmp_path)
    assert b"Grace Manager," in twin.read_bytes() and b"Okafor" not in twin.read_bytes()
    pages = " ".join(_pdf_text(pdf, layout=False).split())
    assert "Grace Manager employee" in pages and "Okafor" not in pages
    assert "The pack matches the records." in _verify(pdf, twin, capsys)


@pytest.mark.parametrize(("basis", "days_ago"), [(AS_IT_WAS, DAYS_AGO), (AS_RECORDED, 0)])
def test_a_pack_verifies_after_hr_corrects_a_completion_in_it(history, hr, tmp_path, capsys, basis, days_ago):
    grace, as_at = history["manager"], _day(days_ago)
    done = factories.make_completion(grace, Requirement.objects.get(), timezone.now() - datetime.timedelta(days=50))
    client = client_for(hr)
    pdf, twin = pack_downloaded(client, pack_made(client, history["comms"], as_at, basis), tmp_path)
    assert f",{done.seq}\r\n".encode() in twin.read_bytes()
    with freeze_time(timezone.now() + datetime.timedelta(minutes=1), tick=True):
        client.post(reverse("corrections:void", args=[done.pk]), {"reason": "Recorded against the wrong person"})
    assert EvidenceEntry.objects.filter(voids=done).exists()

    out = verified_later(pdf, twin, capsys)
    assert "The pack matches the records." in out and "byte for byte the same" in out
    if basis == AS_IT_WAS:
        assert f"a correction voiding entry #{done.seq} on Safeguarding Adults Level 1" in out


def test_an_export_as_recorded_on_a_day_before_a_rename_names_the_person_as_then(history, hr, tmp_path):
    """The same rule for HR's CSV export: as recorded then, the name the portal knew at the end of the day (the
    export made then and now say the same); as it was, from all that is known now, the name now; live, the name now."""
    grace, day = history["manager"], _day()
    renamed_by_the_roster(grace, "Manager-Okafor", tmp_path)
    client = client_for(hr)

    def names(**query) -> set[str]:
        body = b"".join(client.get(reverse("exports:csv"), {"team": history["comms"].pk, **query}).streaming_content)
        return {row[1] for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) if row[0] == grace.employee_number}

    assert names(as_at=day.isoformat(), basis=AS_RECORDED) == {"Grace Manager"}
    assert names(as_at=day.isoformat(), basis=AS_IT_WAS) == {"Grace Manager-Okafor"}
    assert names() == {"Grace Manager-Okafor"}
