"""Each import command's --help lists the options for its own kind of file. import_roster's listed --strict and
--list, which are for a completions file and which it refuses when typed, and import_completions' listed
--confirm-identity-changes, which is for a roster: the help offered what the command would then refuse."""

import pytest
from django.core.management import CommandError, call_command, load_command_class

ALL = ("--apply", "--sheet", "--background", "--strict", "--list", "--confirm-identity-changes")


def help_of(name: str) -> str:
    """What `manage.py NAME --help` prints."""
    return load_command_class("portal.compliance", name).create_parser("manage.py", name).format_help()


@pytest.mark.parametrize(
    ("name", "left_out"),
    [
        ("import_roster", ("--strict", "--list")),
        ("import_completions", ("--confirm-identity-changes",)),
        ("import_file", ()),
    ],
)
def test_the_help_lists_only_the_options_for_the_commands_files(name, left_out):
    text = help_of(name)
    for option in ALL:
        assert (option in text) is (option not in left_out), (name, option)


def test_an_option_left_out_of_the_help_is_still_refused_in_words(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("Assignment Number\n")
    with pytest.raises(CommandError, match="--list is for a completions file"):
        call_command("import_roster", str(roster), "--list", str(tmp_path / "out.csv"))
