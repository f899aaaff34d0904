"""A management command's unexpected failure, told plainly: HR staff run the commands that apply files and change
data, and a Python traceback tells them neither what went wrong nor what it left behind."""

import contextvars
import logging
import os
import pwd
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.management.base import CommandError

logger = logging.getLogger(__name__)
_telling = contextvars.ContextVar("failure_told", default=False)
DETAILS_IN_LOG = "The details are in the server's log; run the command again with --traceback to see them here."
DETAILS_HERE = "Run the command again with --traceback to see the details."


def command_line(command: str) -> str:
    """How the audit log and an import's batch name a command run at the server, which no one signed in to the portal
    asked for: the command and the operating-system account that ran it, "the command line (manage.py import_roster,
    run by jsmith as portal)" under sudo, "(manage.py import_roster, run by portal)" otherwise (`_runner`)."""
    return f"the command line (manage.py {command}, run by {_runner()})"


def this_process() -> str:
    """Who did what no request asked for, in the audit log's words, when the code doing it was not told: a management
    command (`command_line`: `manage.py shell`, `changepassword`...), the task worker, or another program (a
    script), each with the account that ran it."""
    argv = sys.argv or [""]
    program = os.path.basename(argv[0])
    if program == "__main__.py":  # python -m django, python -m pytest
        program = os.path.basename(os.path.dirname(argv[0]))
    command = argv[1] if len(argv) > 1 and program in {"manage.py", "django-admin", "django"} else ""
    if command in {"db_worker", "rqworker"}:
        return f"the task worker (manage.py {command}, run by {_runner()})"
    if command:
        return command_line(command)
    if not program or program.startswith("-"):  # python -c
        program = "python"
    return f"a program on the server ({program}, run by {_runner()})"


def _runner() -> str:
    """The account running this process: its effective user, from the system's table, not LOGNAME or USER, which
    whoever runs it may set to anything. Under sudo, the account that asked is sudo's SUDO_USER ("jsmith as
    portal"): set by sudo, which a shell already running as that user could also set, so it names who sudo said
    asked, nothing more. A user id with no name on this server (a container's) is given as its number."""
    try:
        account = pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        account = f"user id {os.geteuid()}"
    asked = os.environ.get("SUDO_USER", "").strip()
    return f"{asked} as {account}" if asked and asked != account else account


def at_a_terminal() -> bool:
    """Whether the command's errors go to a person at a terminal, not to cron's mail or a service's journal."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced by something without it, or closed
        return False


class TracebackToldAtTerminal(logging.Filter):
    """On the console handler (settings.LOGGING): a record with a traceback, logged while a command tells its failure
    (inside `failure_told`: its own log line, and an import's or task's, which logs its failure where it happens) is
    not printed when the console is a person's terminal. The command's message says what failed, and its traceback
    printed above that message told an HR officer nothing; run from cron or a service, stderr is the server's log,
    and the traceback goes there as before. Other handlers (a file, an error tracker) get it either way."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and _telling.get() and at_a_terminal())


@contextmanager
def failure_told(what: str, *, kept: str | Callable[[], str], traceback: bool = False, log: bool = True) -> Iterator:
    """Turn an unexpected exception in the block into a CommandError that names `what` failed ("Applying
    roster.csv"), the exception's class and message, what is left of the work (`kept`: "Nothing was changed." where
    the block is one transaction, or a callable that reads how far it got once it has failed), and where the details
    are. The traceback goes to the log (`log`: False where the code that failed has logged it already).

    A CommandError is the command's own refusal and goes through as it is; KeyboardInterrupt is not an Exception.
    With `traceback` (Django's --traceback option) the exception goes through too, for its traceback."""
    telling = _telling.set(not traceback)
    try:
        yield
    except CommandError:
        raise
    except Exception as error:
        if traceback:
            raise
        if log:
            logger.exception("%s failed", what)
        message = str(error).strip()
        failure = f"{error.__class__.__name__}: {message}" if message else error.__class__.__name__
        details = DETAILS_HERE if at_a_terminal() else DETAILS_IN_LOG
        raise CommandError(f"{what} failed with {failure}\n{kept() if callable(kept) else kept} {details}") from error
    finally:
        _telling.reset(telling)


@contextmanager
def failure_warned(what: str, *, then: str, warn: Callable[[str], None], traceback: bool = False) -> Iterator:
    """As `failure_told`, for a step the command goes on past: an unexpected exception in the block is logged (its
    traceback kept from a person's terminal, as there) and `warn` is given "Warning: `what` failed with <class>:
    <message>. `then`" (what the command does now, and how to see why). With `traceback` (Django's --traceback) the
    console shows the traceback too. The command carries on either way."""
    telling = _telling.set(not traceback)
    try:
        yield
    except Exception as error:
        logger.exception("%s failed", what)
        message = str(error).strip()
        failure = f"{error.__class__.__name__}: {message}" if message else error.__class__.__name__
        warn(f"Warning: {what} failed with {failure}. {then}")
    finally:
        _telling.reset(telling)
