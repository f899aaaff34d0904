"""An evidence pack as it was still verifies after the roster changes the employment type of someone in it (agency
to permanent, a bank worker taken on): rebuilt at its cut-off, its spreadsheet gives each person the employment type
the roster had recorded for them by then, as it names them by the name recorded by then. Before, the rows were
rebuilt with the type now, so `verify_pack` called a genuine pack false ("Rebuilt from the ledger, the CSV
differs": 'Agency' in the file, 'Substantive' from the ledger). The pack as recorded then held already. Among the
facts recorded since that a pack as it was made now would differ by, the roster's change names the employment type
it gives; before, it named the team, staff group and job title alone, which had not changed."""

import datetime

import pytest
from django.utils import timezone

from portal.people.models import StaffMember
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from tests.reports import test_team_history_packs
from tests.reports.conftest import client_for
from tests.reports.pack_doors import pack_downloaded, pack_made
from tests.reports.test_pack_after_person_renamed import changed_by_the_roster, verified_later

# The organisation as the roster recorded it 500 days ago, each test's own private storage.
history, _private_media = test_team_history_packs.history, test_team_history_packs._private_media


def day():
    return timezone.localdate() - datetime.timedelta(days=40)


@pytest.mark.parametrize("basis", [AS_IT_WAS, AS_RECORDED])
def test_a_pack_verifies_after_someone_in_it_changes_employment_type(history, hr, tmp_path, capsys, basis):
    client = client_for(hr)
    sam = history["sam"]
    pdf, twin = pack_downloaded(client, pack_made(client, history["comms"], day(), basis), tmp_path)
    assert (
        f"{sam.employee_number},Sam Digital,Digital,Administrative and Clerical,Agency,".encode() in twin.read_bytes()
    )
    changed_by_the_roster(sam, tmp_path, employment="Permanent")
    assert StaffMember.objects.get(pk=sam.pk).employment_type == "substantive"

    out = verified_later(pdf, twin, capsys)
    assert "The pack matches the records." in out and "byte for byte the same" in out
    if basis == AS_IT_WAS:  # made now, Sam's row would read Substantive: the news says what changed
        assert "Made now, the pack would differ for 1 person: Sam Digital" in out
        assert ", employment type Substantive, started 6 January 2020, for Sam Digital" in out
