import datetime
import io
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.roster import roster_apply
from portal.lib.csvfiles import parse_date
from portal.people.models import Assignment, StaffMember
from portal.people.roster import plan_roster
from tests.command_line import command_line_by
from tests.people.conftest import row

User = get_user_model()


def counts():
    return (StaffMember.objects.count(), User.objects.count(), Assignment.objects.count())


def test_a_clean_roster_is_planned_then_applied(roster_csv, teams):
    data = roster_csv(
        row("1001", "Grace", "O'Connor", teams["comms"]),
        row("1002", "Sam", "Taylor", teams["comms"], manager="1001", start="2026-11-02"),
        row("1003", "Nadia", "حداد", teams["finance"], manager="1001", category="Agency", start="30-Nov-2025"),
    ).encode()
    plan = plan_roster(data)
    assert plan.can_apply and plan.summary["created"] == 3 and counts() == (0, 0, 0)
    roster_apply(plan)
    sam = StaffMember.objects.get(employee_number="1002")
    assert sam.line_manager.employee_number == "1001" and sam.team == teams["comms"]
    assert sam.start_date == datetime.date(2026, 11, 2)
    nadia = StaffMember.objects.get(employee_number="1003")
    assert nadia.last_name == "حداد" and nadia.employment_type == StaffMember.AGENCY
    assert StaffMember.objects.get(employee_number="1001").last_name == "O'Connor"
    assert not nadia.user.has_usable_password()


def test_reimporting_the_same_file_changes_nothing(roster_csv, teams):
    data = roster_csv(
        row("1001", "Grace", "Jones", teams["comms"]), row("1002", "Sam", "Taylor", teams["comms"])
    ).encode()
    roster_apply(plan_roster(data))
    again = plan_roster(data)
    assert again.summary == {
        **dict.fromkeys(
            ["created", "changed", "leavers", "rejected", "problems", "identity_changes", "line_managers_cleared"], 0
        ),
        "rows": 2,
    }


def test_changes_are_shown_field_by_field(roster_csv, teams):
    roster_apply(plan_roster(roster_csv(row("1001", "Grace", "Jones", teams["comms"])).encode()))
    plan = plan_roster(roster_csv(row("1001", "Grace", "Jones", teams["finance"])).encode())
    ((_staff, _, diffs),) = plan.to_change
    assert diffs == {"team_id": (teams["comms"].pk, teams["finance"].pk)}


def test_a_second_post_is_a_second_assignment_of_the_same_person(roster_csv, teams):
    data = roster_csv(
        row("1001", "Grace", "Jones", teams["comms"], assignment="1001"),
        row("1001", "Grace", "Jones", teams["finance"], assignment="1001-2"),
    ).encode()
    roster_apply(plan_roster(data))
    grace = StaffMember.objects.get()
    assert sorted(grace.assignments.values_list("number", flat=True)) == ["1001", "1001-2"]
    assert grace.team == teams["comms"]  # the primary (lowest) assignment's team


@pytest.mark.parametrize(
    ("encode", "delimiter"),
    [(lambda t: t.encode("utf-8-sig"), ","), (lambda t: t.encode("cp1252"), ","), (lambda t: t.encode(), ";")],
    ids=["utf8-bom", "windows-1252", "semicolons"],
)
def test_encodings_and_delimiters(teams, encode, delimiter):
    header = "Employee Number;Forename;Surname;Email Address;Team Code;Start Date".replace(";", delimiter)
    line = delimiter.join(["2001", "Zoë", "O’Brien", "zoe@example.nhs.uk", teams["comms"].code, "2028-11-30"])
    plan = plan_roster(encode(f"{header}\r\n{line}\r\n"))
    assert plan.can_apply, (plan.rejected, plan.problems)
    assert plan.to_create[0].fields["last_name"] == "O’Brien" and plan.to_create[0].fields["first_name"] == "Zoë"


def test_quoted_fields_with_commas_and_newlines_keep_line_numbers(roster_csv, teams):
    data = roster_csv(
        '3001,3001,"Smith, Jr","Ann\nMarie",ann@example.nhs.uk,Officer,Admin,' + teams["comms"].code + ",,01/01/2020,,",
        row("3002", "Bob", "Lee", teams["comms"], start="31/02/2027"),
    ).encode()
    plan = plan_roster(data)
    assert plan.rejected == [
        (2, "First Name contains a line break"),  # a name is one line; the quoted newline still counts as a line
        (4, "Start Date '31/02/2027' is not a date: February 2027 has 28 days"),
    ]
    quoted_comma = data.replace(b'"Ann\nMarie"', b"Ann")
    assert plan_roster(quoted_comma).to_create[0].fields["last_name"] == "Smith, Jr"


@pytest.mark.parametrize(
    ("text", "expected"), [("30-Nov-2028", "2028-11-30"), ("30/11/2028", "2028-11-30"), ("2028-11-30", "2028-11-30")]
)
def test_the_three_date_formats(text, expected):
    assert parse_date(text).isoformat() == expected


BAD_ROWS = [
    (lambda t: row("", "No", "Number", t["comms"]), "Employee Number is empty"),
    (lambda t: row("4001", "Bad", "Date", t["comms"], start="2027-13-01"), "Start Date '2027-13-01' is not a date"),
    (
        lambda t: row("4002", "Left", "Early", t["comms"], start="01/01/2024", leave="01/01/2023"),
        "Leave Date 01/01/2023 is before the Start Date 01/01/2024",
    ),
    (lambda t: row("4003", "Lost", "Team", t["comms"]).replace(t["comms"].code, "NOPE"), "Team 'NOPE' is not a known"),
    (lambda t: row("4004", "Odd", "Kind", t["comms"], category="Volunteer"), "Employment Type 'Volunteer'"),
    (
        lambda t: row("4005", "No", "Mail", t["comms"]).replace("no.4005@example.nhs.uk", "not-an-email"),
        "Work Email 'not-an-email' is not an email address",
    ),
]


@pytest.mark.parametrize(("make_row", "message"), BAD_ROWS, ids=[m for _, m in BAD_ROWS])
def test_bad_rows_are_rejected_by_line_and_nothing_is_written(roster_csv, teams, make_row, message):
    data = roster_csv(row("1001", "Good", "Person", teams["comms"]), make_row(teams)).encode()
    plan = plan_roster(data)
    assert [(line, message in reason) for line, reason in plan.rejected] == [(3, True)], plan.rejected
    with pytest.raises(ValueError, match="rejected rows"):
        roster_apply(plan)
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"Name,Colour\r\nAnn,Blue\r\n", "no column for: Employee Number, First Name"),
        (b"Employee Number,First Name,Last Name,Work Email,Start Date\r\n1,A,B,a@b.uk,2020-01-01\r\n", "team"),
    ],
    ids=["empty", "wrong-headers", "no-team-column"],
)
def test_files_that_cannot_be_read_say_why(content, message, db):
    plan = plan_roster(content)
    assert not plan.can_apply and message in " ".join(plan.problems)


def test_hierarchy_problems_are_reported(roster_csv, teams):
    data = roster_csv(
        row("1001", "Ann", "A", teams["comms"], manager="1002"),
        row("1002", "Ben", "B", teams["comms"], manager="1001"),
        row("1003", "Cat", "C", teams["comms"], manager="9999"),
        row("1004", "Dan", "D", teams["comms"], assignment="1001"),
    ).encode()
    plan = plan_roster(data)
    text = " | ".join(plan.problems + [reason for _, reason in plan.rejected])
    assert "Line 2: line manager cycle: 1001 (line 2) → 1002 (line 3) → 1001 (line 2)" in text
    assert "line manager 9999 of employee 1003 is unknown" in text
    assert "Assignment Number '1001' is already used by employee 1001" in text
    assert not plan.can_apply


def test_a_duplicate_email_is_rejected(roster_csv, teams):
    first = row("1001", "Ann", "A", teams["comms"])
    second = row("1002", "Ann", "A", teams["comms"]).replace("ann.1002@", "ann.1001@")
    plan = plan_roster(roster_csv(first, second).encode())
    assert plan.rejected == [(3, "Work Email 'ann.1001@example.nhs.uk' belongs to another employee")]


def test_a_leaver_is_kept_cannot_sign_in_and_their_session_ends(roster_csv, teams):
    roster_apply(plan_roster(roster_csv(row("1001", "Ann", "Able", teams["comms"])).encode()))
    staff = StaffMember.objects.get()
    staff.user.set_password("a long password 2026")
    staff.user.save()
    client = Client()
    client.post("/accounts/login/", {"login": staff.work_email, "password": "a long password 2026"})
    assert client.get("/training/").status_code == 200
    plan = plan_roster(roster_csv(row("1001", "Ann", "Able", teams["comms"], leave="01/01/2026")).encode())
    assert [s.employee_number for s in plan.leavers] == ["1001"]
    roster_apply(plan)
    staff.refresh_from_db()
    assert staff.leave_date == datetime.date(2026, 1, 1) and not staff.user.is_active
    assert client.get("/training/").status_code == 302  # signed out
    response = client.post("/accounts/login/", {"login": staff.work_email, "password": "a long password 2026"})
    assert response["Location"] == "/accounts/inactive/"  # allauth: "This account is inactive"
    assert client.get("/training/").status_code == 302


def test_new_people_are_invited_once_with_a_working_link(
    roster_csv, teams, mailoutbox, django_capture_on_commit_callbacks, settings
):
    data = roster_csv(row("1001", "Ann", "Able", teams["comms"])).encode()
    batch, _ = import_batch_create(kind="roster", data=data, filename="roster.csv", user=None)
    with django_capture_on_commit_callbacks(execute=True):
        import_batch_apply(batch=batch, user=None)
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["ann.1001@example.nhs.uk"]
    link = next(w for w in mailoutbox[0].body.split() if "/accounts/password/reset/key/" in w)
    client = Client()
    assert link.startswith(f"{settings.WAGTAILADMIN_BASE_URL}/accounts/password/reset/key/")
    form_page = client.get(urlsplit(link).path, follow=True)
    client.post(
        form_page.request["PATH_INFO"], {"password1": "brand new password 99", "password2": "brand new password 99"}
    )
    assert (
        client.post(
            "/accounts/login/", {"login": "ann.1001@example.nhs.uk", "password": "brand new password 99"}
        ).status_code
        == 302
    )
    second, _ = import_batch_create(kind="roster", data=data, filename="roster.csv", user=None)
    with django_capture_on_commit_callbacks(execute=True):
        import_batch_apply(batch=second, user=None)
    assert len(mailoutbox) == 1  # nobody new, nobody invited again


def test_the_invitation_links_to_the_portals_address(
    roster_csv, teams, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.WAGTAILADMIN_BASE_URL = "https://training.example.nhs.uk"  # PORTAL_BASE_URL
    batch, _ = import_batch_create(
        kind="roster", data=roster_csv(row("1001", "Ann", "Able", teams["comms"])).encode(), filename="r.csv", user=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        import_batch_apply(batch=batch, user=None)
    (invitation,) = mailoutbox
    # The link to choose a password, and since 8b88769 the sign-in page's for afterwards: both at the portal's address.
    links = [word for word in invitation.body.split() if "://" in word]
    assert links[0].startswith("https://training.example.nhs.uk/accounts/password/reset/key/")
    assert links[1:] == ["https://training.example.nhs.uk/accounts/login/"]


def test_a_roster_applied_from_the_command_line_is_audited(roster_csv, teams, tmp_path, settings):
    """The audit entry is written by the service, so the command (the other door) records one like the page does."""
    from django.core.management import call_command

    from portal.audit.models import AuditEvent

    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    path = tmp_path / "roster.csv"
    path.write_text(roster_csv(row("1001", "Grace", "Jones", teams["comms"])))
    call_command("import_roster", str(path), "--apply", stdout=io.StringIO())
    event = AuditEvent.objects.get(action=AuditEvent.IMPORT)
    assert (event.actor, event.actor_name, event.scope) == (
        None,
        command_line_by("import_roster"),
        "Roster roster.csv",
    )
    assert event.detail["created"] == 1
