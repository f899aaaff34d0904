"""What the roster import says after a dry run or an apply is true of that file: the command does not invite an
--apply that would be refused, and the page mentions invitations only when someone was invited (a leaver in the
file is added, not invited)."""

import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import timezone

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from tests.dry_runs import dry_run_refused
from tests.people.conftest import row


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


def dry_run(path) -> str:
    out = io.StringIO()
    call_command("import_roster", str(path), stdout=out)
    return out.getvalue()


def test_a_clean_dry_run_says_how_to_apply_it(roster_csv, teams, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(roster_csv(row("1001", "Grace", "Jones", teams["comms"])))
    assert "Run again with --apply to apply it" in dry_run(path)


def test_a_dry_run_with_rejected_rows_says_to_fix_them_not_to_apply(roster_csv, teams, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(roster_csv(row("1001", "", "Jones", teams["comms"])))  # no first name: rejected
    said = dry_run_refused("import_roster", str(path))  # ending "Fix the rejected rows and problems above"
    assert "line 2: First Name is empty" in said
    assert "--apply" not in said


@pytest.mark.parametrize(
    ("created", "invited", "said"),
    [
        (0, 0, None),
        (1, 0, None),  # a leaver added from the file: created, not invited
        (1, 1, "1 new person has been emailed an invitation."),
        (3, 2, "2 new people have been emailed an invitation."),
    ],
)
def test_the_applied_page_mentions_invitations_only_when_someone_was_invited(created, invited, said):
    summary = {"created": created, "changed": 2, "leavers": 0, "invited": invited}
    batch = SimpleNamespace(applied_at=timezone.now(), summary=summary)
    html = render_to_string("imports/_roster_done.html", {"batch": batch})
    assert f"{created} people added, 2 changed" in html
    assert (said in html) if said else ("invitation" not in html)


@pytest.mark.parametrize(
    ("leave", "invited"),
    [("", 1), ("01/01/2026", 0)],  # a joiner; someone who left before the file was applied
)
def test_applying_counts_the_people_actually_invited(
    roster_csv, teams, mailoutbox, django_capture_on_commit_callbacks, leave, invited
):
    data = roster_csv(row("1001", "Ann", "Able", teams["comms"], leave=leave)).encode()
    batch, _ = import_batch_create(kind="roster", data=data, filename="roster.csv", user=None)
    with django_capture_on_commit_callbacks(execute=True):
        import_batch_apply(batch=batch, user=None)
    batch.refresh_from_db()
    assert (batch.summary["created"], batch.summary["invited"], len(mailoutbox)) == (1, invited, invited)
    html = render_to_string("imports/_roster_done.html", {"batch": batch})
    assert ("1 new person has been emailed an invitation." in html) is bool(invited)
