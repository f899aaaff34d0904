"""Selectors: where a person stands in each module, computed from their scenario choices and quiz attempts."""

from dataclasses import dataclass, field

from quizzes.models import Attempt

from .models import ModuleCompletion, ModulePage, ScenarioResponse

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETE = "complete"

STATUS_LABELS = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", COMPLETE: "Completed"}
STATUS_TAG_COLOURS = {NOT_STARTED: "grey", IN_PROGRESS: "blue", COMPLETE: "green"}


@dataclass
class ScenarioState:
    block_id: str
    latest_option: int | None = None
    latest_expected: bool = False
    reached_expected: bool = False


@dataclass
class ModuleProgress:
    page: ModulePage
    scenarios: dict[str, ScenarioState] = field(default_factory=dict)
    quiz_passed: bool = False
    has_quiz: bool = False
    attempts: list = field(default_factory=list)
    completed_at: object = None

    @property
    def scenarios_total(self) -> int:
        return len(self.scenarios)

    @property
    def scenarios_done(self) -> int:
        return sum(1 for state in self.scenarios.values() if state.reached_expected)

    @property
    def scenarios_complete(self) -> bool:
        return self.scenarios_done == self.scenarios_total

    @property
    def is_complete(self) -> bool:
        return self.scenarios_complete and (self.quiz_passed or not self.has_quiz)

    @property
    def status(self) -> str:
        if self.completed_at or self.is_complete:
            return COMPLETE
        if self.scenarios_done or any(s.latest_option is not None for s in self.scenarios.values()) or self.attempts:
            return IN_PROGRESS
        return NOT_STARTED

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def status_colour(self) -> str:
        return STATUS_TAG_COLOURS[self.status]


def _progress_for_pages(user, pages) -> list[ModuleProgress]:
    """Progress for many modules in a fixed number of queries, whatever the number of modules."""
    pages = list(pages)
    page_ids = [page.pk for page in pages]
    responses = ScenarioResponse.objects.filter(user=user, page_id__in=page_ids).order_by("created_at", "pk")
    attempts = Attempt.objects.filter(user=user, page_id__in=page_ids).order_by("-started_at", "-pk")
    completions = ModuleCompletion.objects.filter(user=user, page_id__in=page_ids).order_by("-completed_at")

    progress_by_page = {}
    for page in pages:
        # The raw stream, so listing modules does not load each module's quiz (a query per module).
        raw = list(page.body.raw_data)
        progress = ModuleProgress(
            page=page,
            scenarios={b["id"]: ScenarioState(block_id=b["id"]) for b in raw if b["type"] == "scenario"},
            has_quiz=any(b["type"] == "quiz" for b in raw),
        )
        progress_by_page[page.pk] = progress
    for response in responses:
        state = progress_by_page[response.page_id].scenarios.get(response.block_id)
        if state is None:  # the scenario has since been removed from the module
            continue
        state.latest_option = response.option_index
        state.latest_expected = response.expected
        state.reached_expected = state.reached_expected or response.expected
    for attempt in attempts:
        progress = progress_by_page[attempt.page_id]
        progress.attempts.append(attempt)
        progress.quiz_passed = progress.quiz_passed or bool(attempt.passed)
    for completion in completions:
        progress = progress_by_page[completion.page_id]
        progress.completed_at = progress.completed_at or completion.completed_at
    return [progress_by_page[page.pk] for page in pages]


def module_progress_for_user(user, page: ModulePage) -> ModuleProgress:
    return _progress_for_pages(user, [page])[0]


def module_progress_list_for_user(user, parent=None) -> list[ModuleProgress]:
    pages = ModulePage.objects.live().order_by("path")
    if parent is not None:
        pages = pages.child_of(parent)
    return _progress_for_pages(user, pages)
