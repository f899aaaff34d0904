"""A file saved as UTF-16 without its byte-order mark, or as UTF-32, is refused with one message naming the encoding and
how to save it instead, whichever import it is uploaded to, and nothing changes. (UTF-16 with its mark, as Excel's
"Unicode Text" always writes it, is read: tests/compliance/test_import_unicode_text.py.) Such a
file used to be read, NUL bytes and all, into "Employee Number contains the control character U+0000" on every line
and a footer of '\\x00'."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import EvidenceEntry, ImportBatch
from portal.people.models import StaffMember, Team
from portal.people.roles import hr_group
from tests import factories
from tests.compliance import test_completions
from tests.compliance.test_completions import ADULTS
from tests.dry_runs import dry_run_refused

people, adults = test_completions.people, test_completions.adults  # the same fixtures

# Not Excel's "Unicode Text", which always writes the mark: the message says what the file is, and what to save instead.
UTF16 = (
    "This file is saved as UTF-16 text without a byte-order mark, which cannot be read for sure. Open it in Excel, "
    "save it as 'CSV UTF-8 (Comma delimited)' or as 'Excel Workbook (.xlsx)', and upload it again."
)
UTF32 = "This file is saved as UTF-32. Save it as 'CSV UTF-8 (Comma delimited)' and upload it again."

# How each is written: UTF-16 without the byte-order mark Excel writes (with it, the file is read), UTF-32 either way.
SAVED_AS = {
    "UTF-16 without a mark": (lambda text: text.encode("utf-16-le"), UTF16),
    "UTF-16 big-endian without a mark": (lambda text: text.encode("utf-16-be"), UTF16),
    "UTF-32 with its mark": (lambda text: text.encode("utf-32"), UTF32),
    "UTF-32 without a mark": (lambda text: text.encode("utf-32-le"), UTF32),
}


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


@pytest.fixture
def team(db):
    return factories.make_team("Communications")


def roster_text(team) -> str:
    return (
        "Employee Number,First Name,Last Name,Work Email,Org Code,Start Date\r\n"
        f"5001,Ann,Able,ann@example.nhs.uk,{team.code},01/04/2020\r\n"
        f"5002,Nadia,حداد,nadia@example.nhs.uk,{team.code},01/04/2020\r\n"
    )


def completions_text() -> str:
    return f'Person,Competence Name,Achievement Date,Expiry Date\r\n"20001|Jones, Grace","{ADULTS}",01/01/2025,\r\n'


def organisation_text() -> str:
    return (
        "Organisation Code,Organisation Name,Parent Organisation Code,Hierarchy Level\r\n"
        "RX1,Example Trust,,\r\nRX1-C,Corporate,RX1,\r\n"
    )


def everything() -> tuple:
    return (StaffMember.objects.count(), EvidenceEntry.objects.count(), Team.objects.count())


def refused(kind: str, data: bytes, message: str) -> None:
    """The dry run names the encoding, and only that; applying is refused and changes nothing."""
    before = everything()
    batch, plan = import_batch_create(kind=kind, data=data, filename="saved.txt", user=None)
    assert (plan.problems, plan.rejected, plan.can_apply) == ([message], [], False)
    import_batch_apply(batch=batch, user=None)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.FAILED and "Nothing was changed" in batch.error
    assert everything() == before


@pytest.mark.parametrize("saved_as", SAVED_AS)
def test_a_roster_saved_as_utf16_or_utf32_is_refused_by_name(team, saved_as):
    encode, message = SAVED_AS[saved_as]
    refused("roster", encode(roster_text(team)), message)


@pytest.mark.parametrize("saved_as", SAVED_AS)
def test_completions_saved_as_utf16_or_utf32_are_refused_by_name(people, adults, saved_as):
    encode, message = SAVED_AS[saved_as]
    refused("completions", encode(completions_text()), message)


@pytest.mark.parametrize("saved_as", ["UTF-16 big-endian without a mark", "UTF-16 without a mark"])
def test_an_organisation_file_saved_as_utf16_is_refused_by_name(db, saved_as):
    encode, message = SAVED_AS[saved_as]
    refused("organisation", encode(organisation_text()), message)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("roster", roster_text),
        ("completions", lambda _: completions_text()),
        ("organisation", lambda _: organisation_text()),
    ],
)
def test_the_same_files_in_utf8_are_read(team, people, adults, kind, text):
    """What makes them refused is the encoding, not what they say."""
    _, plan = import_batch_create(kind=kind, data=text(team).encode("utf-8-sig"), filename="saved.csv", user=None)
    assert plan.can_apply, (plan.problems, plan.rejected)


def test_a_stray_nul_in_a_utf8_file_is_still_named_by_its_line(people, adults):
    data = f'Person,Competence Name,Achievement Date,Expiry Date\r\n"20001\x00|Jones, Grace","{ADULTS}",01/01/2025,\r\n'
    _, plan = import_batch_create(kind="completions", data=data.encode(), filename="nul.csv", user=None)
    assert plan.problems == [] and [(line, "U+0000" in reason) for line, reason in plan.rejected] == [(2, True)]


def test_hr_uploading_utf16_without_its_mark_sees_the_one_message(client, team):
    officer = factories.with_mfa(factories.make_user())
    officer.groups.add(hr_group())
    factories.sign_in(client, officer)
    excel = roster_text(team).replace(",", "\t").encode("utf-16-le")  # tab-separated, but without the mark
    response = client.post(
        reverse("imports:upload", args=["roster"]), {"file": SimpleUploadedFile("roster.txt", excel)}, follow=True
    )
    html = response.content.decode()
    assert "This file is saved as UTF-16 text without a byte-order mark" in html
    assert "&#x27;Excel Workbook (.xlsx)&#x27;" in html and "Unicode Text" not in html
    assert "U+0000" not in html and "Line 2" not in html and "Apply this roster" not in html
    assert not StaffMember.objects.exists()


def test_the_command_line_says_the_same(people, adults, tmp_path):
    path = tmp_path / "completions.txt"
    path.write_bytes(completions_text().encode("utf-16-le"))
    said = dry_run_refused("import_file", "completions", str(path))
    assert f"problem: {UTF16}" in said and "U+0000" not in said
