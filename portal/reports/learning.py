"""How far a person has got in training the portal teaches itself (a module begun but not finished), and where its
list of modules is, for My training.

Only the modules app knows that, and it sits above reports, so it lends its reader when the apps are ready
(`modules.apps`) instead of reports importing it: My training then says "In progress" exactly when the module's own
page does. With no reader registered, nothing is shown as in progress.
"""

from collections.abc import Callable, Iterable
from typing import Protocol


class LearningProgress(Protocol):
    in_progress: bool  # begun, not yet complete
    status_label: str
    status_colour: str
    summary: str  # "1 of 3 scenarios worked through; quiz passed."


Reader = Callable[[object, Iterable[int]], dict[int, LearningProgress]]
_reader: list[Reader] = []
_module_list: list[Callable[[], object]] = []


def learning_progress_reader_register(reader: Reader) -> None:
    """`reader(user, page_ids)` returns the person's progress in each of those pages, by page id, in a fixed number
    of queries."""
    _reader[:] = [reader]


def learning_progress_by_page(user, page_ids) -> dict[int, LearningProgress]:
    page_ids = list(page_ids)
    if not _reader or not page_ids:
        return {}
    return _reader[0](user, page_ids)


def module_list_reader_register(reader: Callable[[], object]) -> None:
    """`reader()` returns the published list of modules (a page with a `url`), or None, in one query."""
    _module_list[:] = [reader]


def module_list_url() -> str | None:
    """The address of the list of modules, or None: none is published, so nothing should link to it."""
    page = _module_list[0]() if _module_list else None
    return page.url if page is not None else None
