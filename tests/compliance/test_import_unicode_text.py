"""Excel's "Unicode Text" (File > Save As > Unicode Text): UTF-16, little-endian, with its byte-order mark, and
tab-separated. It is what HR saves from an Excel without "CSV UTF-8" to keep names Windows-1252 cannot hold (حداد,
Łukasz), and it was refused ('This file is saved as UTF-16 ... Save it as CSV UTF-8'). With its mark, the encoding is
not a guess: such a file is now read, in every import, names and all. A UTF-16 file without its mark, and UTF-32,
are still refused by name (tests/compliance/test_import_utf16.py)."""

import codecs

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import EvidenceEntry, ImportBatch
from portal.people.models import StaffMember, Team
from portal.people.roles import hr_group
from tests import factories
from tests.compliance import test_completions
from tests.compliance.test_import_utf16 import completions_text, organisation_text, roster_text
from tests.people.roster_doors import private_files  # noqa: F401 - kept uploads in this test's folder

people, adults = test_completions.people, test_completions.adults  # the same fixtures

# Excel writes the little-endian mark; a big-endian file with its mark is as plain.
UNICODE_TEXT = {
    "little-endian": lambda text: text.encode("utf-16"),
    "big-endian": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
}


def tabbed(text: str) -> str:
    """As Excel's Unicode Text writes it: tab-separated, a value holding a comma in quotes only where it has one."""
    return text.replace(",", "\t").replace('"20001|Jones\t Grace"', '"20001|Jones, Grace"')


@pytest.fixture
def team(db):
    return factories.make_team("Communications")


@pytest.mark.parametrize("saved_as", UNICODE_TEXT)
@pytest.mark.parametrize("separated", [tabbed, lambda text: text])
def test_a_roster_saved_as_unicode_text_is_read_names_and_all(team, saved_as, separated):
    data = UNICODE_TEXT[saved_as](separated(roster_text(team)))
    batch, plan = import_batch_create(kind="roster", data=data, filename="roster.txt", user=None)
    assert plan.can_apply and plan.problems == [] and plan.rejected == [], (plan.problems, plan.rejected)
    import_batch_apply(batch=batch, user=None, background=False)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    assert sorted(StaffMember.objects.values_list("employee_number", "last_name")) == [
        ("5001", "Able"),
        ("5002", "حداد"),
    ]


@pytest.mark.parametrize("saved_as", UNICODE_TEXT)
def test_completions_saved_as_unicode_text_are_recorded(people, adults, saved_as):
    data = UNICODE_TEXT[saved_as](tabbed(completions_text()))
    batch, plan = import_batch_create(kind="completions", data=data, filename="olm.txt", user=None)
    assert plan.can_apply and len(plan.to_record) == 1, (plan.problems, plan.rejected)
    import_batch_apply(batch=batch, user=None, background=False)
    assert EvidenceEntry.objects.count() == 1


def test_an_organisation_file_saved_as_unicode_text_is_read(db):
    data = UNICODE_TEXT["little-endian"](tabbed(organisation_text()))
    _, plan = import_batch_create(kind="organisation", data=data, filename="org.txt", user=None)
    assert plan.can_apply and [row.code for row in plan.to_create] == ["RX1", "RX1-C"], plan.problems
    assert Team.objects.count() == 0


def test_a_row_of_unicode_text_refused_is_named_by_its_line(team):
    """Read, the file's rows are checked as any file's: a bad one is refused by its line, nothing changed."""
    text = roster_text(team) + f"5003,Ola,Nowak,not-an-email,{team.code},01/04/2020\r\n"
    _, plan = import_batch_create(kind="roster", data=tabbed(text).encode("utf-16"), filename="r.txt", user=None)
    assert plan.rejected == [(4, "Work Email 'not-an-email' is not an email address")]
    assert not StaffMember.objects.exists()


@pytest.mark.parametrize("broken", ["\ud800".encode("utf-16-le", "surrogatepass") + "A".encode("utf-16-le"), b"\x41"])
def test_a_file_marked_as_unicode_text_that_is_not_is_refused_naming_the_line(team, broken):
    """Half of a surrogate pair (a file pasted together from two), or an odd byte at the end."""
    data = tabbed(roster_text(team)).encode("utf-16") + broken
    _, plan = import_batch_create(kind="roster", data=data, filename="r.txt", user=None)
    assert plan.problems == [
        "Line 4 is not saved as UTF-16, though the file starts as Excel's 'Unicode Text' does: read, some names would "
        "come out garbled. Save the file as 'CSV UTF-8 (Comma delimited)' and upload it again."
    ]


def test_hr_uploading_excels_unicode_text_sees_its_dry_run(client, team):
    officer = factories.with_mfa(factories.make_user())
    officer.groups.add(hr_group())
    factories.sign_in(client, officer)
    excel = tabbed(roster_text(team)).encode("utf-16")
    response = client.post(
        reverse("imports:upload", args=["roster"]), {"file": SimpleUploadedFile("roster.txt", excel)}, follow=True
    )
    html = response.content.decode()
    assert "UTF-16" not in html and "U+0000" not in html
    assert "حداد" in html and "Apply this roster" in html
    assert not StaffMember.objects.exists()
