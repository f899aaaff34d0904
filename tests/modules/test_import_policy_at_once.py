"""import_policy run twice at the same moment (a double-clicked script, two people importing the same file) adds one
policy, and the second run is refused naming it, as a second run after the first is (commit 24f41fc). The check that
no policy has the file's title or text and the page's creation are one transaction, and on PostgreSQL the adding of
new policies is locked until it ends, so the second run's check waits for the first run's page."""

import contextlib
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from wagtail.models import Page

from modules.management.commands import import_policy
from modules.models import PolicyPage
from tests.compliance.test_concurrency import _all_at_once
from tests.modules.test_import_policy_command import KINDNESS, _file

ALREADY_THERE = "Cannot import policy.txt as a new policy: the portal already has"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one transaction write at a time (they begin IMMEDIATE), and its in-memory test database "
    "refuses a second writer rather than making it wait: the race needs a server database",
)
@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_policy_at_once_add_one_policy_and_refuse_the_other(home_page, tmp_path, monkeypatch):
    path = _file(tmp_path, KINDNESS)
    # Each run waits, once it has found no policy like the file, for the other to have looked too (3 s at most): without
    # the lock both find none, then both add a page. With it the second run cannot look until the first has committed,
    # so the first gives up waiting and the second finds its page.
    both_looked = threading.Barrier(2, timeout=3)
    check = import_policy.policy_list_repeated_by

    def check_then_wait(**kwargs):
        found = check(**kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_looked.wait()
        return found

    monkeypatch.setattr(import_policy, "policy_list_repeated_by", check_then_wait)

    def run():
        out = StringIO()
        call_command("import_policy", path, stdout=out)
        return out.getvalue()

    results = _all_at_once(run, count=2)
    refusals = [result for result in results if isinstance(result, Exception)]
    assert len(refusals) == 1, results
    assert isinstance(refusals[0], CommandError) and str(refusals[0]).startswith(ALREADY_THERE), refusals
    page = PolicyPage.objects.get()
    assert f"page {page.pk}, “Kindness Policy”, a draft of version 1.0" in str(refusals[0])
    created = next(result for result in results if isinstance(result, str))
    assert f"Created draft policy page {page.pk}: “Kindness Policy”" in created


@pytest.mark.django_db(transaction=True)
def test_the_check_and_the_new_page_are_one_transaction(home_page, tmp_path, monkeypatch):
    """On both databases: the page is added in the transaction the check ran in, so the lock (PostgreSQL) or the
    write lock (SQLite) taken for the check is held until the page is there."""
    seen = {}
    check, add_child = import_policy.policy_list_repeated_by, Page.add_child

    def transaction_now():
        return connection.atomic_blocks[0] if connection.in_atomic_block else None

    def checked(**kwargs):
        seen["check"] = transaction_now()
        return check(**kwargs)

    def added(self, **kwargs):
        seen["add"] = transaction_now()
        return add_child(self, **kwargs)

    monkeypatch.setattr(import_policy, "policy_list_repeated_by", checked)
    monkeypatch.setattr(Page, "add_child", added)
    call_command("import_policy", _file(tmp_path, KINDNESS), stdout=StringIO())
    assert seen["check"] is not None and seen["add"] is seen["check"], seen
    assert PolicyPage.objects.count() == 1
