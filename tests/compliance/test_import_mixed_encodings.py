"""A file that is neither all UTF-8 nor all Windows-1252: a UTF-8 export with a line added in a program that saves
Windows-1252 (or the other way round), or a byte Windows-1252 has no character for. Such a file used to be read whole
as Windows-1252, so every UTF-8 name came out garbled ("Zoë" stored as "ZoÃ«") and an unknown byte became "�", with
nothing said. Now every door refuses it, naming the line, and changes nothing; a file in either encoding alone reads
as before, names exact."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import EvidenceEntry, ImportBatch
from portal.people.models import StaffMember, Team
from portal.people.roles import hr_group
from tests import factories
from tests.dry_runs import dry_run_refused

MIXED = (
    "Line 3 is not saved as UTF-8, though other lines are (a file edited in two programs): read either way, some names "
    "would come out garbled. Save the whole file as 'CSV UTF-8 (Comma delimited)' and upload it again."
)
UNKNOWN_BYTE = (
    "Line 3 holds the byte 0x81, which is a character in neither UTF-8 nor Windows-1252. Save the file as 'CSV UTF-8 "
    "(Comma delimited)' and upload it again."
)


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


@pytest.fixture
def team(db):
    return factories.make_team("Communications")


def roster_lines(team) -> list[str]:
    return [
        "Employee Number,First Name,Last Name,Work Email,Organisation Code,Start Date",
        f"5001,Zoë,O’Brien,zoe@example.nhs.uk,{team.code},01/04/2020",
        f"5002,Siobhán,Ní Bhriain,siobhan@example.nhs.uk,{team.code},01/04/2020",
    ]


def organisation_lines() -> list[str]:
    return ["Organisation Code,Organisation Name,Parent Organisation Code", "RX1,Ysbyty Môn,", "RX1-C,Señal,RX1"]


def saved(lines: list[str], *encodings: str) -> bytes:
    """Each line in its own encoding, the last one given for the rest (no byte-order mark)."""
    chosen = [*encodings, *[encodings[-1]] * len(lines)]
    return b"".join(f"{line}\r\n".encode(encoding) for line, encoding in zip(lines, chosen, strict=False))


def everything() -> tuple:
    return (
        list(StaffMember.objects.values_list("first_name", "last_name")),
        EvidenceEntry.objects.count(),
        list(Team.objects.values_list("name", flat=True)),
    )


def refused_everywhere(kind: str, data: bytes, message: str, client, tmp_path) -> None:
    before = everything()
    batch, plan = import_batch_create(kind=kind, data=data, filename="mixed.csv", user=None)
    assert (plan.problems, plan.rejected, plan.can_apply) == ([message], [], False)
    import_batch_apply(batch=batch, user=None)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.FAILED and "Nothing was changed" in batch.error
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    assert f"problem: {message}" in dry_run_refused("import_file", kind, str(path))
    officer = factories.with_mfa(factories.make_user())
    officer.groups.add(hr_group())
    factories.sign_in(client, officer)
    upload = {"file": SimpleUploadedFile("mixed.csv", data)}
    html = client.post(reverse("imports:upload", args=[kind]), upload, follow=True).content.decode()
    assert message.split(" (")[0].replace("'", "&#x27;") in html
    assert everything() == before


@pytest.mark.parametrize(
    "order", [("utf-8", "utf-8", "cp1252"), ("cp1252", "cp1252", "utf-8")], ids=["8-8-1252", "1252-1252-8"]
)
def test_a_roster_partly_utf8_and_partly_windows_1252_is_refused(team, client, tmp_path, order):
    message = MIXED if order[-1] == "cp1252" else MIXED.replace("Line 3", "Line 2")  # the first not in UTF-8
    refused_everywhere("roster", saved(roster_lines(team), *order), message, client, tmp_path)


def test_an_organisation_file_partly_windows_1252_is_refused(db, client, tmp_path):
    refused_everywhere("organisation", saved(organisation_lines(), "utf-8", "utf-8", "cp1252"), MIXED, client, tmp_path)


def test_a_byte_windows_1252_has_no_character_for_is_refused(team, client, tmp_path):
    lines = roster_lines(team)
    data = saved(lines, "cp1252").replace("Siobhán".encode("cp1252"), b"Siobh\x81n")
    refused_everywhere("roster", data, UNKNOWN_BYTE, client, tmp_path)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_a_file_in_one_encoding_keeps_every_name_exact(team, encoding):
    data = "\r\n".join(roster_lines(team)).encode(encoding)
    batch, plan = import_batch_create(kind="roster", data=data, filename="r.csv", user=None)
    assert plan.can_apply, plan.errors
    import_batch_apply(batch=batch, user=None, background=False)
    assert sorted(StaffMember.objects.values_list("first_name", "last_name")) == [
        ("Siobhán", "Ní Bhriain"),
        ("Zoë", "O’Brien"),
    ]
