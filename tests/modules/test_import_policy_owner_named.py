"""`import_policy` gives every policy an owner that staff read on its page ("Owner: ..."), by default the
Communications and Engagement Team (the demo organisation's). It printed the sections, whom the policy applies to and
its dates, but not the owner, so a trust importing its own policy published it naming a team it may not have. It now
says the owner it gave, and, when that is the default, how to name another."""

from tests import factories
from tests.modules.test_import_policy_command import KINDNESS, _file, _import


def test_the_default_owner_is_said_with_how_to_change_it(db, tmp_path):
    factories.make_home_page()
    said = _import(_file(tmp_path, KINDNESS))
    assert (
        "Owner shown to staff: Communications and Engagement Team (the default: give --owner-team to name your own, "
        "or change it in the CMS before publishing)."
    ) in said


def test_an_owner_given_is_said_as_given(db, tmp_path):
    factories.make_home_page()
    said = _import(_file(tmp_path, KINDNESS), "--owner-team", "Information Governance Team")
    assert "Owner shown to staff: Information Governance Team." in said
    assert "the default" not in said
