"""What the audit log calls a command run at the server (`portal.lib.commands.command_line`), worked out the way a
person checking it would: the account from `id -un`, and sudo's SUDO_USER should the tests run under sudo."""

import os
import subprocess


def command_line_by(command: str) -> str:
    account = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip()
    asked = os.environ.get("SUDO_USER", "")
    runner = f"{asked} as {account}" if asked and asked != account else account
    return f"the command line (manage.py {command}, run by {runner})"
