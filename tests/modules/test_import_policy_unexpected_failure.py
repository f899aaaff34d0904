"""import_policy whose save fails unexpectedly (the database goes away while the draft is saved) ends with a
CommandError naming the file, the exception's class and message, that nothing was saved (the draft is saved in one
transaction), and where the details are, not in a Python traceback. With --traceback the exception itself goes
through."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from wagtail.models import Page, Revision

from modules.models import PolicyPage
from tests.modules.test_import_policy_command import KINDNESS, _file

DETAILS = "The details are in the server's log; run the command again with --traceback to see them here."


def everything() -> tuple:
    return (Page.objects.count(), PolicyPage.objects.count(), Revision.objects.count())


@pytest.mark.parametrize("into", [False, True])
def test_a_save_that_fails_saves_nothing_and_says_so(policy, tmp_path, monkeypatch, into):
    args = [_file(tmp_path, KINDNESS)] + (["--into", str(policy.pk), "--version", "2.0"] if into else [])
    before = everything()
    monkeypatch.setattr(Page, "save_revision", _failing_save)
    with pytest.raises(CommandError) as refused:
        call_command("import_policy", *args, stdout=StringIO())
    assert str(refused.value) == (
        "Importing policy.txt failed with DatabaseError: server closed the connection unexpectedly\n"
        f"Nothing was saved. {DETAILS}"
    )
    assert everything() == before


def test_with_traceback_the_exception_itself_goes_through(home_page, tmp_path, monkeypatch):
    before = everything()
    monkeypatch.setattr(Page, "save_revision", _failing_save)
    with pytest.raises(DatabaseError, match="server closed the connection"):
        call_command("import_policy", _file(tmp_path, KINDNESS), "--traceback", stdout=StringIO())
    assert everything() == before


def _failing_save(self, *args, **kwargs):
    """Saving the draft's revision fails once the page (a new one) is written: the page must go back with it."""
    raise DatabaseError("server closed the connection unexpectedly")
