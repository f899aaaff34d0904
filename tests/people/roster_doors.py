"""The two doors HR brings an ESR staff list through, for the roster's edge cases: the upload (kept file, dry run,
then apply, as the page and its task do) and `manage.py import_file roster`. And a picture of everything a roster
touches, to show a refused file changed nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import ImportBatch
from portal.people.models import Assignment, StaffChange, StaffMember
from tests.dry_runs import dry_run_refused

HEADER = (
    "Employee Number,Assignment Number,First Name,Last Name,Work Email,Position Title,Organisation Code,"
    "Organisation,Hire Date,Termination Date"
)


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Kept uploads go to this test's own folder, not the one other test runs share."""
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


def esr_row(
    number,
    assignment,
    *,
    first="Sam",
    last="Taylor",
    email=None,
    title="Officer",
    code="",
    team="",
    start="01/04/2020",
    leave="31/12/4712",
):
    email = email or f"{first.lower()}.{number.lower()}@example.nhs.uk"
    return f"{number},{assignment},{first},{last},{email},{title},{code},{team},{start},{leave}"


def esr_file(*rows) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


def upload(data: bytes):
    """The dry run HR sees after uploading: the batch kept, and its plan."""
    return import_batch_create(kind="roster", data=data, filename="esr.csv", user=None)


def upload_and_apply(data: bytes, **confirm) -> ImportBatch:
    """Upload, then apply as the task worker does (re-planned against the database as it is then)."""
    batch, _ = upload(data)
    import_batch_apply(batch=batch, user=None, background=False, **confirm)
    batch.refresh_from_db()
    return batch


def command(data: bytes, tmp_path, *options) -> str:
    path = tmp_path / "esr.csv"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_file", "roster", str(path), *options, stdout=out)
    return out.getvalue()


def command_refused(data: bytes, tmp_path, *options) -> str:
    """The dry run of a file the apply would refuse: its whole report, then a refusal (exit status 1)."""
    path = tmp_path / "esr.csv"
    path.write_bytes(data)
    return dry_run_refused("import_file", "roster", str(path), *options)


def everything() -> tuple:
    """Every row a roster import writes, as it stands."""
    return (
        list(StaffMember.objects.order_by("pk").values()),
        list(get_user_model().objects.order_by("pk").values("pk", "email", "is_active", "session_epoch", "password")),
        list(
            Assignment.objects.order_by("pk").values_list("staff_id", "number", "team_id", "start_date", "leave_date")
        ),
        list(StaffChange.objects.order_by("pk").values_list("pk", flat=True)),
    )


def refused_everywhere(data: bytes, tmp_path, message: str) -> None:
    """The dry run (upload and command) names the line and what is wrong; applying (the task and the command) is
    refused; and nothing at all has changed."""
    before = everything()
    _, plan = upload(data)
    assert not plan.can_apply
    assert message in [f"Line {line}: {text}" for line, text in plan.errors], plan.errors
    said = command_refused(data, tmp_path)
    assert message.replace("Line", "line", 1) in said
    with pytest.raises(CommandError, match="Not applied"):
        command(data, tmp_path, "--apply")
    batch = upload_and_apply(data)
    assert batch.status == ImportBatch.FAILED and "Nothing was changed" in batch.error
    assert everything() == before
