"""`import_policy --owner-team` names the team staff read on the policy's page ("Owner: ..."). Given empty it failed
with a traceback and "failed with ValidationError: {'owner_team': ['This field cannot be blank.']}", given longer than
the page's 120 characters the same; given as spaces it saved a policy whose page named no owner; and given with
--into (the owner of a policy already there) it was ignored unsaid. Each is now refused, naming the option and what it
takes, and nothing is saved; spaces round a name are dropped, as the CMS's field drops them."""

import pytest
from django.core.management import CommandError

from modules.models import PolicyPage
from tests import factories
from tests.modules.test_import_policy_command import KINDNESS, _file, _import


@pytest.mark.parametrize(
    ("owner", "message"),
    [
        ("", "--owner-team is empty: give the team that owns the policy"),
        ("   ", "--owner-team is empty: give the team that owns the policy"),
        ("x" * 121, "--owner-team is 121 characters long; a policy page takes at most 120."),
    ],
)
def test_an_owner_team_the_page_cannot_show_is_refused_and_nothing_saved(db, tmp_path, owner, message):
    factories.make_home_page()
    with pytest.raises(CommandError) as refused:
        _import(_file(tmp_path, KINDNESS), "--owner-team", owner)
    assert str(refused.value).startswith(message)
    assert str(refused.value).endswith("Nothing was saved.")
    assert not PolicyPage.objects.exists()


def test_spaces_round_the_owner_team_are_dropped(db, tmp_path):
    factories.make_home_page()
    said = _import(_file(tmp_path, KINDNESS), "--owner-team", "  Information Governance Team ")
    assert PolicyPage.objects.get().owner_team == "Information Governance Team"
    assert "Owner shown to staff: Information Governance Team." in said


def test_an_owner_team_with_into_is_refused_not_ignored(db, tmp_path):
    factories.make_home_page()
    _import(_file(tmp_path, KINDNESS))
    page = PolicyPage.objects.get()
    newer = KINDNESS.replace("Effective from 29th February 2024", "Effective from 1st March 2025")
    with pytest.raises(CommandError) as refused:
        _import(_file(tmp_path, newer, "v2.txt"), "--into", str(page.pk), "--version", "2.0", "--owner-team", "IG")
    assert str(refused.value) == (
        "--owner-team names the owner of a new policy; with --into, change the owner on the policy's page in the CMS. "
        "Nothing was saved."
    )
    assert PolicyPage.objects.get().get_latest_revision().content["version_label"] != "2.0"
