"""Excel's "Text (Tab delimited) (*.txt)": what HR gets saving an ESR report from Excel as text, Windows-1252 and
tab-separated, values unquoted (a Person cell's comma and all). It used to be refused as having no column for any
heading ("The file has no column for: Employee Number, First Name, ..."), though every heading was there; now a tab
is read as the comma and semicolon are, through every door."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch
from portal.people.models import StaffMember, Team
from portal.people.roles import hr_group
from tests import factories

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


@pytest.fixture
def team(db):
    return factories.make_team("Communications")


def tab_text(*rows: list[str]) -> bytes:
    return "".join("\t".join(row) + "\r\n" for row in rows).encode("cp1252")


def roster(team) -> bytes:
    return tab_text(
        ["Staff in Post"],
        [""],
        ["Employee Number", "First Name", "Last Name", "Work Email", "Organisation Code", "Hire Date", "Payscale"],
        ["5001", "Zoë", "O’Brien", "zoe@example.nhs.uk", team.code, "01-Apr-2020", "Band 5"],
        ["5002", "Siobhán", "Ní Bhriain", "siobhan@example.nhs.uk", team.code, "01/04/2020", "Band 6"],
    )


def test_a_tab_delimited_roster_from_the_upload_page_applies(team, client):
    officer = factories.with_mfa(factories.make_user())
    officer.groups.add(hr_group())
    factories.sign_in(client, officer)
    upload = {"file": SimpleUploadedFile("staff.txt", roster(team))}
    html = client.post(reverse("imports:upload", args=["roster"]), upload, follow=True).content.decode()
    assert "Zoë" in html and "Payscale" in html and "has no column" not in html
    batch = ImportBatch.objects.get()
    import_batch_apply(batch=batch, user=officer, background=False)
    assert sorted(StaffMember.objects.values_list("first_name", "last_name")) == [
        ("Siobhán", "Ní Bhriain"),
        ("Zoë", "O’Brien"),
    ]


def test_tab_delimited_completions_from_the_command_line(db, tmp_path):
    grace = factories.make_staff(employee_number="20001", first_name="Grace", last_name="Jones")
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    path = tmp_path / "competences.txt"
    path.write_bytes(
        tab_text(["Person", "Competence Name", "Achievement Date"], ["20001|Jones, Grace", ADULTS, "01/02/2025"])
    )
    out = io.StringIO()
    call_command("import_file", "completions", str(path), "--apply", stdout=out)
    assert EvidenceEntry.objects.get().staff == grace


def test_a_tab_delimited_organisation_file(db):
    data = tab_text(["Organisation Code", "Organisation Name", "Parent Organisation Code"], ["RX1", "Trust, The", ""])
    batch, plan = import_batch_create(kind="organisation", data=data, filename="org.txt", user=None)
    assert plan.can_apply, (plan.problems, plan.rejected)
    import_batch_apply(batch=batch, user=None, background=False)
    assert list(Team.objects.values_list("code", "name")) == [("RX1", "Trust, The")]
