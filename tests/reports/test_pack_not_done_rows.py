"""An evidence pack's people's pages say, row by row, what a person has not done: the requirement, its state (overdue
in red, or not started), a dash for the completion, the day it was due and "Nothing recorded" for its evidence; and
someone no requirement applies to is said to have none. Read back from the PDF's text (pdftotext -layout), each on
the person's own row, beside a colleague who has done it."""

import datetime
import subprocess

import pytest
from django.utils import timezone

from portal.compliance.projection import refresh
from portal.reports.basis import AS_IT_WAS
from portal.reports.models import EvidencePack
from portal.reports.packs import pack_build
from tests import factories

DAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    settings.PORTAL_RECEIPT_DIR = str(tmp_path / "receipts")


REQUIREMENTS = ("Fire safety", "Moving and handling")


@pytest.fixture
def people_pages(db):
    """The people's pages of a pack of Estates as it was on 2 March 2026: Nia has done nothing, Dee has done
    everything, and Ben is in a staff group none of the requirements asks. Moving and handling came in on 16 February
    2026, with 90 days to do it."""
    team = factories.make_team("Estates")
    asked = ["Estates and Ancillary"]
    fire = factories.make_requirement(name="Fire safety", applies_to_everyone=False, staff_groups=asked)
    lifting = factories.make_requirement(
        name="Moving and handling",
        applies_to_everyone=False,
        staff_groups=asked,
        introduced_on=datetime.date(2026, 2, 16),
        new_starter_days=90,
    )
    people = {
        name: factories.make_staff(team=team, first_name=name, last_name="Estates", staff_group=group)
        for name, group in (("Nia", asked[0]), ("Dee", asked[0]), ("Ben", "Medical and Dental"))
    }
    done = timezone.make_aware(datetime.datetime(2026, 1, 15, 10, 0))
    for requirement in (fire, lifting):
        factories.make_completion(people["Dee"], requirement, completed_at=done, source_ref="import batch 1 line 2")
    refresh()
    hr = factories.make_user()
    pack = pack_build(
        EvidencePack.objects.create(team=team, as_at=DAY, cutoff=timezone.now(), basis=AS_IT_WAS, requested_by=hr)
    )
    text = subprocess.run(["pdftotext", "-layout", pack.pdf.path, "-"], check=True, capture_output=True, text=True)
    return text.stdout, people


def _section(text: str, staff) -> list[str]:
    """The lines of `staff`'s part of the people's pages, from their heading up to the next heading or page end."""
    lines = [line.strip() for line in text.splitlines()]
    start = lines.index(f"{staff.full_name} employee {staff.employee_number}, Estates")
    ends = (i for i in range(start + 1, len(lines)) if " employee E" in lines[i] or "Evidence pack " in lines[i])
    return [line for line in lines[start + 1 : next(ends, len(lines))] if line]


def _rows(text: str, staff) -> dict[str, str]:
    """Each requirement's row of `staff`'s table, its lines (a cell wraps onto the next) joined, spaces squeezed."""
    rows, current = {}, None
    for line in _section(text, staff)[2:]:  # after the two lines of the table's heading
        current = next((name for name in REQUIREMENTS if line.startswith(name)), current)
        rows[current] = " ".join(filter(None, [rows.get(current), " ".join(line.split())]))
    return rows


def _words(*cells: str) -> list[str]:
    return sorted(" ".join(cells).split())


def test_a_person_who_has_done_nothing_has_each_row_say_so(people_pages):
    text, people = people_pages

    rows = _rows(text, people["Nia"])

    # A cell wraps onto the row's next line ("Due 3 Feb" above "2020"): the row's words, whatever line each is on.
    assert _words(rows["Fire safety"]) == _words("Fire safety", "Overdue", "–", "Due 3 Feb 2020", "Nothing recorded")
    assert _words(rows["Moving and handling"]) == _words(
        "Moving and handling", "Not started", "–", "Due 17 May 2026", "Nothing recorded"
    )
    assert rows["Fire safety"].startswith("Fire safety Overdue – Due")  # its own cells, in their columns


def test_a_person_who_has_done_it_has_the_day_and_the_evidence_instead(people_pages):
    text, people = people_pages

    rows = _rows(text, people["Dee"])

    for name in REQUIREMENTS:
        assert rows[name].startswith(f"{name} Compliant 15 Jan 2026 15 Jan 2027 Imported completion: import batch 1")
        assert "Nothing recorded" not in rows[name] and "Due " not in rows[name]


def test_a_person_no_requirement_asks_is_said_to_have_none(people_pages):
    text, people = people_pages

    assert _section(text, people["Ben"])[2:] == ["No requirements applied to this person."]
