"""An ESR-shaped staff list as HR downloads it: supervisors by assignment number, extra columns, a footer, and
changes to who someone is that need confirming."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.compliance.models import ImportBatch
from portal.compliance.roster import roster_apply
from portal.people.models import Assignment, StaffMember
from portal.people.roles import hr_group
from portal.people.roster import plan_roster
from tests import factories
from tests.dry_runs import dry_run_refused

ESR_HEADER = (
    "Employee Number,Assignment Number,First Name,Last Name,Work Email,Position Title,Staff Group,"
    "Organisation Code,Supervisor Assignment Number,Supervisor Full Name,Payscale,Hire Date,Termination Date,"
    "Assignment Category"
)


def esr_row(number, first, last, team, supervisor="", leave="", email=None):
    email = email or f"{first.lower()}.{number}@example.nhs.uk"
    return (
        f"{number},{number}-1,{first},{last},{email},Officer,Administrative and Clerical,{team.code},{supervisor},"
        f"Someone Else,Band 5,01/04/2020,{leave},Permanent"
    )


def esr_file(*rows, header=ESR_HEADER, tail=""):
    return ("\r\n".join([header, *rows]) + "\r\n" + tail).encode()


def test_supervisors_are_found_by_assignment_number_in_the_file_or_the_portal(teams):
    supervisor = factories.make_staff(team=teams["comms"], employee_number="900")
    Assignment.objects.create(staff=supervisor, number="900-1")
    data = esr_file(
        esr_row("1001", "Ann", "Able", teams["comms"], supervisor="900-1"),  # already in the portal
        esr_row("1002", "Ben", "Best", teams["comms"], supervisor="1001-1"),  # earlier in the file
    )
    plan = plan_roster(data)
    assert plan.can_apply, (plan.problems, plan.rejected)
    assert plan.unused == ["Supervisor Full Name", "Payscale"]
    roster_apply(plan)
    assert StaffMember.objects.get(employee_number="1001").line_manager.employee_number == "900"
    assert StaffMember.objects.get(employee_number="1002").line_manager.employee_number == "1001"


def test_an_unknown_supervisor_and_a_cycle_are_named_by_line(teams):
    data = esr_file(
        esr_row("1001", "Ann", "Able", teams["comms"], supervisor="1002-1"),
        esr_row("1002", "Ben", "Best", teams["comms"], supervisor="1001-1"),
        esr_row("1003", "Cat", "Cole", teams["comms"], supervisor="7777-1"),
    )
    plan = plan_roster(data)
    assert plan.problems == [
        "Line 2: line manager cycle: 1001 (line 2) → 1002 (line 3) → 1001 (line 2)",
        "Line 4: Supervisor Assignment Number 7777-1 of employee 1003 is held by no one in the file or the portal",
    ]


def test_supervisor_employee_number_is_read_too(teams):
    header = ESR_HEADER.replace("Supervisor Assignment Number", "Supervisor Employee Number")
    data = esr_file(
        esr_row("1001", "Ann", "Able", teams["comms"]),
        esr_row("1002", "Ben", "Best", teams["comms"], supervisor="1001"),
        header=header,
    )
    roster_apply(plan_roster(data))
    assert StaffMember.objects.get(employee_number="1002").line_manager.employee_number == "1001"


def test_a_heading_that_looks_like_a_known_one_is_a_problem(teams):
    header = ESR_HEADER.replace("Supervisor Assignment Number", "Supervisor Asignment Number")
    plan = plan_roster(esr_file(esr_row("1001", "Ann", "Able", teams["comms"]), header=header))
    assert not plan.can_apply
    assert plan.problems == [
        "The column 'Supervisor Asignment Number' looks like 'Supervisor Assignment Number' but is not read: rename "
        "it to 'Supervisor Assignment Number' (or remove it), then upload the file again"
    ]


def test_a_footer_and_blank_lines_at_the_end_are_ignored_and_mentioned(teams):
    tail = "\r\n,,,,\r\nReport total: 1,,,,,,,,,,,,,\r\n\r\n"
    plan = plan_roster(esr_file(esr_row("1001", "Ann", "Able", teams["comms"]), tail=tail))
    assert plan.can_apply and plan.rows == 1, (plan.problems, plan.rejected)
    assert plan.ignored == ["Line 5: 'Report total: 1' is a footer or summary line, not a record", "3 blank lines"]


@pytest.mark.parametrize("title", ["Records Officer", "Total Reward Manager", "Count Assistant"])
@pytest.mark.parametrize("footer", ["", "Report total: 2,,,,,,,,,,,,,\r\n"])
def test_a_real_last_row_missing_a_value_is_rejected_not_taken_for_a_footer(teams, title, footer):
    last = esr_row("1002", "Ben", "Best", teams["comms"]).replace(",Officer,", f",{title},")
    last = last.replace("01/04/2020", "")  # no Start Date: one required value missing
    plan = plan_roster(esr_file(esr_row("1001", "Ann", "Able", teams["comms"]), last, tail=footer))
    assert plan.rows == 2 and plan.rejected == [(3, "Start Date is empty")]
    assert plan.ignored == (["Line 4: 'Report total: 2' is a footer or summary line, not a record"] if footer else [])


def test_the_end_of_time_is_no_leave_date(teams):
    plan = plan_roster(esr_file(esr_row("1001", "Ann", "Able", teams["comms"], leave="31/12/4712")))
    assert plan.to_create[0].fields["leave_date"] is None


def test_changes_are_said_in_words_in_line_order(teams):
    first = [("1001", "Sam"), ("1002", "Ann"), ("1003", "Ben")]
    roster_apply(plan_roster(esr_file(*(esr_row(n, name, "Able", teams["comms"]) for n, name in first))))
    data = esr_file(
        esr_row("1003", "Ben", "Able", teams["finance"]),
        esr_row("1001", "Siân", "Able", teams["finance"], email="sam.1001@example.nhs.uk"),
        esr_row("1002", "Ann", "Able", teams["comms"], supervisor="1003-1"),
    )
    plan = plan_roster(data)
    assert [(staff.employee_number, lines) for staff, lines in plan.other_changes] == [
        ("1003", ["Team: Communications and Engagement to Finance"]),
        ("1001", ["First name: Sam to Siân", "Team: Communications and Engagement to Finance"]),
        ("1002", ["Line manager: none to Ben Able (1003)"]),
    ]
    assert not plan.identity


def test_a_line_manager_is_named_in_the_changes_list(teams):
    sam = factories.make_staff(team=teams["comms"], employee_number="900", first_name="Sam", last_name="Taylor")
    Assignment.objects.create(staff=sam, number="900-1")
    jo = factories.make_staff(team=teams["comms"], employee_number="901", first_name="Jo", last_name="Khan")
    roster_apply(plan_roster(esr_file(esr_row("1001", "Ann", "Able", teams["comms"], supervisor="900-1"))))
    to_file = plan_roster(
        esr_file(
            esr_row("1001", "Ann", "Able", teams["comms"], supervisor="1002-1"),
            esr_row("1002", "Ben", "Best", teams["comms"]),
        )
    )
    assert to_file.other_changes[0][1] == ["Line manager: Sam Taylor (900) to Ben Best (1002)"]
    by_number = ESR_HEADER.replace("Supervisor Assignment Number", "Supervisor Employee Number")
    to_portal = plan_roster(
        esr_file(esr_row("1001", "Ann", "Able", teams["comms"], supervisor="901"), header=by_number)
    )
    assert to_portal.other_changes[0][1] == [f"Line manager: Sam Taylor (900) to {jo.full_name} (901)"]


def _errors_file(teams) -> bytes:
    """A file-level problem (a heading like one the import reads), a rejected row on line 2 and an unknown
    supervisor on line 4."""
    return esr_file(
        esr_row("1001", "", "Able", teams["comms"]),
        esr_row("1002", "Ben", "Best", teams["comms"]),
        esr_row("1003", "Cat", "Cole", teams["comms"], supervisor="7777-1"),
        header=ESR_HEADER.replace("Payscale", "Effective Dat"),
    )


def test_errors_come_in_line_order_on_the_page(hr_client, teams):
    hr_client.post(
        reverse("imports:upload", args=["roster"]), {"file": SimpleUploadedFile("esr.csv", _errors_file(teams))}
    )
    page = hr_client.get(reverse("imports:batch", args=[ImportBatch.objects.get().pk])).content.decode()
    said = [
        page.index("The column &#x27;Effective Dat&#x27; looks like"),
        page.index("Line 2: First Name is empty"),
        page.index("Line 4: Supervisor Assignment Number 7777-1 of employee 1003 is held by no one"),
    ]
    assert said == sorted(said)


def test_errors_come_in_line_order_from_the_command(teams, tmp_path):
    path = tmp_path / "esr.csv"
    path.write_bytes(_errors_file(teams))
    said = dry_run_refused("import_roster", str(path))
    order = [
        said.index("  problem: The column 'Effective Dat' looks like 'Effective Date'"),
        said.index("  line 2: First Name is empty"),
        said.index("  line 4: Supervisor Assignment Number 7777-1 of employee 1003 is held by no one"),
    ]
    assert order == sorted(order)


def test_a_reused_employee_number_is_listed_first_and_needs_confirmation(teams):
    roster_apply(plan_roster(esr_file(esr_row("1001", "Grace", "Jones", teams["comms"]))))
    data = esr_file(
        esr_row("1002", "Ben", "Best", teams["comms"]),
        esr_row("1001", "Tom", "Price", teams["comms"], email="tom.price@example.nhs.uk"),
    )
    plan = plan_roster(data)
    assert plan.can_apply
    (change,) = plan.identity
    assert change.reused and change.person.line == 3
    assert change.changes == [
        "First name: Grace to Tom",
        "Last name: Jones to Price",
        "Work email: grace.1001@example.nhs.uk to tom.price@example.nhs.uk",
    ]
    with pytest.raises(ValueError, match="confirm those changes"):
        roster_apply(plan)
    assert not StaffMember.objects.filter(employee_number="1002").exists()  # all or nothing
    roster_apply(plan, confirmed_identity=plan.identity_fingerprint)
    assert StaffMember.objects.get(employee_number="1001").work_email == "tom.price@example.nhs.uk"


def test_the_command_applies_identity_changes_only_when_told(teams, tmp_path):
    roster_apply(plan_roster(esr_file(esr_row("1001", "Grace", "Jones", teams["comms"]))))
    path = tmp_path / "esr.csv"
    path.write_bytes(esr_file(esr_row("1001", "Grace", "Jones", teams["comms"], email="grace@example.nhs.uk")))
    out = io.StringIO()
    with pytest.raises(CommandError, match="--confirm-identity-changes"):
        call_command("import_roster", str(path), "--apply", stdout=out)
    assert "IDENTITY CHANGE line 2, employee 1001 Grace Jones" in out.getvalue()
    assert "not used: Supervisor Full Name, Payscale" in out.getvalue()
    call_command("import_roster", str(path), "--apply", "--confirm-identity-changes", stdout=io.StringIO())
    assert StaffMember.objects.get().work_email == "grace@example.nhs.uk"


def test_the_sign_in_email_of_someone_with_hr_rights_is_never_changed(teams):
    officer = factories.make_staff(team=teams["comms"], employee_number="1001", first_name="Hana", last_name="Ray")
    officer.user.groups.add(hr_group())
    plan = plan_roster(esr_file(esr_row("1001", "Hana", "Ray", teams["comms"], email="someone@else.example")))
    assert not plan.can_apply and not plan.identity
    ((line, reason),) = plan.rejected
    assert line == 2 and reason.startswith("Work Email of Hana Ray (employee 1001) would change from")
    assert "has HR or editor rights" in reason


def test_the_apply_form_asks_for_the_confirmation(hr_client, teams):
    roster_apply(plan_roster(esr_file(esr_row("1001", "Grace", "Jones", teams["comms"]))))
    data = esr_file(esr_row("1001", "Tom", "Price", teams["comms"], email="tom.price@example.nhs.uk"))
    hr_client.post(reverse("imports:upload", args=["roster"]), {"file": SimpleUploadedFile("esr.csv", data)})
    batch = ImportBatch.objects.get()
    page = hr_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "Changes to who someone is" in page and "Employee number re-used?" in page
    assert "Work email: grace.1001@example.nhs.uk to tom.price@example.nhs.uk" in page
    refused = hr_client.post(reverse("imports:apply", args=[batch.pk]), follow=True).content.decode()
    assert "tick the box to confirm" in refused
    assert StaffMember.objects.get().first_name == "Grace"
    fingerprint = plan_roster(data).identity_fingerprint
    hr_client.post(reverse("imports:apply", args=[batch.pk]), {"confirm_identity_changes": fingerprint})
    assert StaffMember.objects.get().first_name == "Tom"


def test_an_xlsx_staff_list_imports_as_its_csv_does(teams):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in esr_file(esr_row("1001", "Ann", "Able", teams["comms"])).decode().split("\r\n"):
        if line:
            sheet.append(line.split(","))
    sheet.append(["Report total", 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = plan_roster(buffer.getvalue())
    assert plan.can_apply and plan.to_create[0].fields["first_name"] == "Ann", (plan.problems, plan.rejected)
    assert plan.ignored == ["Line 3: 'Report total 1' is a footer or summary line, not a record"]
