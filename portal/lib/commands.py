"""A management command's unexpected failure, told plainly: HR staff run the commands that apply files and change
data, and a Python traceback tells them neither what went wrong nor what it left behind."""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.management.base import CommandError

logger = logging.getLogger(__name__)


@contextmanager
def failure_told(what: str, *, kept: str | Callable[[], str], traceback: bool = False, log: bool = True) -> Iterator:
    """Turn an unexpected exception in the block into a CommandError that names `what` failed ("Applying
    roster.csv"), the exception's class and message, what is left of the work (`kept`: "Nothing was changed." where
    the block is one transaction, or a callable that reads how far it got once it has failed), and where the details
    are. The traceback goes to the log (`log`: False where the code that failed has logged it already).

    A CommandError is the command's own refusal and goes through as it is; KeyboardInterrupt is not an Exception.
    With `traceback` (Django's --traceback option) the exception goes through too, for its traceback."""
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
        raise CommandError(
            f"{what} failed with {failure}\n{kept() if callable(kept) else kept} The details are in the server's "
            "log; run the command again with --traceback to see them here."
        ) from error
