"""The import commands' dry run of a file the apply would refuse: it prints its whole report, then fails as the apply
does (a CommandError: exit status 1, its message on stderr), so a script that applies after a successful dry run
stops there."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

REFUSED = re.compile(
    r"Dry run: (?P<name>.+) cannot be applied\. Fix the rejected rows and problems above, then import again\. "
    r"Nothing was changed\."
)


def dry_run_refused(*args, **options) -> str:
    """Run the command (`call_command`'s arguments), expect the dry run's refusal naming the file, and return the
    report it printed before it."""
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command(*args, stdout=out, **options)
    said = REFUSED.fullmatch(str(refused.value))
    assert said and said["name"] in [Path(str(arg)).name for arg in args], refused.value
    return out.getvalue()
