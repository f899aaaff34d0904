"""An HR officer cannot change their own standing by importing a roster, as they cannot import their own completion or
pause their own requirement: a row for themselves that changes what their training status is worked out from (start
or leave date, team, staff group, job title) is rejected by line on their dry run, applying it is refused, and the
task worker refuses it again when the record became theirs after the dry run. A row for them that changes nothing of
that applies; another member of HR applies the same file; the command line applies as no one."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.compliance import status
from portal.compliance.imports.own_records import OwnRecordRefused
from portal.compliance.imports.tasks import import_apply_task
from portal.compliance.models import ImportBatch, RequirementStatus
from portal.compliance.projection import refresh
from portal.lib.csvfiles import show_date
from portal.people.models import StaffMember
from portal.people.roles import hr_group
from tests import factories
from tests.people.roster_doors import private_files  # noqa: F401

HEADER = (
    "Employee Number,Assignment Number,First Name,Last Name,Work Email,Job Title,Staff Group,Organisation Code,"
    "Organisation,Start Date,Leave Date,Employment Type,Supervisor Employee Number"
)
OWN = (
    "this is your own record, and it changes what your training status is worked out from ({}). Ask another member of "
    "HR to apply it."
)
APPLIERS = (
    "this is the record of the HR officer who asked to apply this file, and it changes what their training status is "
    "worked out from ({}). Ask another member of HR to apply it."
)


def _hr_officer(team, first, last):
    staff = factories.make_staff(team=team, first_name=first, last_name=last)
    staff.user.groups.add(hr_group())
    factories.with_mfa(staff.user)
    return staff, factories.sign_in(Client(), staff.user)


@pytest.fixture
def trust(db):
    finance = factories.make_team("Finance")
    payroll = factories.make_team("Payroll")
    hana, hana_client = _hr_officer(finance, "Hana", "Reed")
    olu, olu_client = _hr_officer(finance, "Olu", "Other")
    cal = factories.make_staff(team=finance, first_name="Cal", last_name="Colleague")
    fire = factories.make_requirement(name="Fire safety", renewal_months=12, new_starter_days=28)
    refresh()
    assert _state(hana, fire) == status.OVERDUE  # started in 2020, never trained
    return {
        "finance": finance,
        "payroll": payroll,
        "hana": hana,
        "hana_client": hana_client,
        "olu": olu,
        "olu_client": olu_client,
        "cal": cal,
        "fire": fire,
    }


def _state(staff, requirement) -> str:
    return RequirementStatus.objects.get(staff=staff, requirement=requirement).state(timezone.localdate())


def _row(staff, **changes) -> str:
    """The roster's row for `staff` as the portal holds them, with `changes`."""
    cells = {
        "first": staff.first_name,
        "last": staff.last_name,
        "email": staff.work_email,
        "title": staff.job_title,
        "group": staff.staff_group,
        "team": staff.team,
        "start": show_date(staff.start_date),
        "leave": "31/12/4712",
        "employment": "Substantive",
        "manager": "",
        **changes,
    }
    number = staff.employee_number
    return (
        f"{number},{number},{cells['first']},{cells['last']},{cells['email']},{cells['title']},{cells['group']},"
        f"{cells['team'].code},{cells['team'].name},{cells['start']},{cells['leave']},{cells['employment']},"
        f"{cells['manager']}"
    )


def _file(*rows) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


def _upload(client, data: bytes) -> ImportBatch:
    response = client.post(reverse("imports:upload", args=["roster"]), {"file": SimpleUploadedFile("esr.csv", data)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportBatch.objects.latest("pk")


def _today() -> str:
    return show_date(timezone.localdate())


def test_the_dry_run_names_the_line_of_your_own_start_date_and_offers_no_apply(trust):
    hana = trust["hana"]
    data = _file(_row(trust["cal"], title="Senior Officer"), _row(hana, start=_today()))
    batch = _upload(trust["hana_client"], data)
    page = trust["hana_client"].get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert f"Line 3: {OWN.format(f'Start date: 06/01/2020 to {_today()}')}" in page
    assert "Apply this roster" not in page
    seen_by_another = trust["olu_client"].get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "your own record" not in seen_by_another and "Apply this roster" in seen_by_another


@pytest.mark.parametrize(
    "change, said",
    [
        ({"start": "today"}, "Start date: 06/01/2020 to {today}"),
        ({"leave": "today"}, "Leave date: (blank) to {today}"),
        ({"team": "payroll"}, "Team: Finance to Payroll"),
        (
            {"group": "Nursing and Midwifery Registered"},
            "Staff group: Administrative and Clerical to Nursing and Midwifery Registered",
        ),
        ({"title": "Volunteer"}, "Job title: Officer to Volunteer"),
        (
            {"start": "today", "team": "payroll"},
            "Start date: 06/01/2020 to {today}; Team: Finance to Payroll",
        ),
    ],
)
def test_applying_a_change_to_your_own_standing_is_refused_and_changes_nothing(trust, change, said):
    hana = trust["hana"]
    values = {name: _today() if value == "today" else trust.get(value, value) for name, value in change.items()}
    batch = _upload(trust["hana_client"], _file(_row(trust["cal"], title="Senior Officer"), _row(hana, **values)))
    before = list(StaffMember.objects.order_by("pk").values())
    response = trust["hana_client"].post(reverse("imports:apply", args=[batch.pk]), follow=True)
    assert f"Not applied. Line 3: {OWN.format(said.format(today=_today()))}" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.PLANNED and batch.applied_by is None
    assert list(StaffMember.objects.order_by("pk").values()) == before  # Cal's new title neither: all or nothing
    assert _state(hana, trust["fire"]) == status.OVERDUE


@pytest.mark.parametrize(
    "change, field, expected",
    [
        ({}, "start_date", datetime.date(2020, 1, 6)),  # their row as it stands
        ({"first": "Hanna"}, "first_name", "Hanna"),  # a name's spelling
        ({"employment": "Bank"}, "employment_type", StaffMember.BANK),
        ({"manager": "cal"}, "line_manager", "cal"),
    ],
)
def test_your_own_row_applies_when_it_changes_nothing_your_standing_follows(trust, change, field, expected):
    hana = trust["hana"]
    values = {name: trust[value].employee_number if value == "cal" else value for name, value in change.items()}
    batch = _upload(trust["hana_client"], _file(_row(trust["cal"], title="Senior Officer"), _row(hana, **values)))
    page = trust["hana_client"].get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "your own record" not in page and "Apply this roster" in page
    trust["hana_client"].post(reverse("imports:apply", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    hana.refresh_from_db()
    assert getattr(hana, field) == (trust[expected] if expected == "cal" else expected)
    assert StaffMember.objects.get(pk=trust["cal"].pk).job_title == "Senior Officer"
    assert _state(hana, trust["fire"]) == status.OVERDUE


def test_another_member_of_hr_applies_the_same_file(trust):
    hana = trust["hana"]
    batch = _upload(trust["hana_client"], _file(_row(hana, start=_today())))
    trust["hana_client"].post(reverse("imports:apply", args=[batch.pk]))
    trust["olu_client"].post(reverse("imports:apply", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE and batch.applied_by == trust["olu"].user
    hana.refresh_from_db()
    assert hana.start_date == timezone.localdate()
    assert _state(hana, trust["fire"]) == status.DUE_SOON  # a new starter's window, given by someone else


def test_the_worker_refuses_a_record_joined_to_the_applier_after_a_clean_dry_run(trust, settings):
    """Ida's account had no staff record when she asked to apply the file; the record it changes is joined to her
    account before the task worker runs it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    ida = factories.with_mfa(factories.make_user(first_name="Ida", last_name="Importer"))
    ida.groups.add(hr_group())
    ida_client = factories.sign_in(Client(), ida)
    record = factories.make_staff(team=trust["finance"], first_name="Ida", last_name="Importer")
    batch = _upload(ida_client, _file(_row(record, start=_today())))
    ida_client.post(reverse("imports:apply", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.QUEUED
    queued = [r for r in default_task_backend.results if r.task.name == import_apply_task.name][-1]
    StaffMember.objects.filter(pk=record.pk).update(user=ida)

    message = f"Not applied. Line 2: {APPLIERS.format(f'Start date: 06/01/2020 to {_today()}')}"
    with pytest.raises(OwnRecordRefused, match=re.escape(message)):
        import_apply_task.call(*queued.args)  # the task's body, as the worker runs it
    batch.refresh_from_db()
    assert batch.status == ImportBatch.FAILED and batch.error == message
    assert StaffMember.objects.get(pk=record.pk).start_date == datetime.date(2020, 1, 6)


def test_a_first_row_giving_the_applier_their_staff_record_is_not_their_own(trust):
    """The first HR officer is made before the first staff list, which gives their account its staff record: a new
    person's row is nobody's own record, so they load that list themselves."""
    ida = factories.with_mfa(factories.make_user(first_name="Ida", last_name="First", email="ida.first@example.nhs.uk"))
    ida.groups.add(hr_group())
    ida_client = factories.sign_in(Client(), ida)
    row = (
        f"E7000001,E7000001,Ida,First,ida.first@example.nhs.uk,Officer,Administrative and Clerical,"
        f"{trust['finance'].code},Finance,{_today()},31/12/4712,Substantive,"
    )
    batch = _upload(ida_client, _file(row))
    ida_client.post(reverse("imports:apply", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    assert StaffMember.objects.get(user=ida).start_date == timezone.localdate()


def test_the_command_line_applies_as_no_one(trust, tmp_path):
    """The command's operator may have no account: nothing is their own, as for a completions file."""
    hana = trust["hana"]
    path = tmp_path / "esr.csv"
    path.write_bytes(_file(_row(hana, start=_today())))
    out = io.StringIO()
    call_command("import_file", "roster", str(path), stdout=out)
    assert "your own record" not in out.getvalue() and "Run again with --apply" in out.getvalue()
    call_command("import_file", "roster", str(path), "--apply", stdout=out)
    hana.refresh_from_db()
    assert hana.start_date == timezone.localdate()
    assert ImportBatch.objects.latest("pk").status == ImportBatch.DONE
