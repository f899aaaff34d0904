"""Selectors: where a person stands in each module, computed from their scenario choices and quiz attempts, and
from their status rows on the requirements naming the module (a completion that has expired, or that a material
policy change has asked them to do again, is due again however complete the module once was).

A module with no quiz that is due again is worked through again: only the answers given since that round began
count (its scenarios read as not done until answered again), so the person sees what is left and the module is
completed again only by working through every scenario again (`services.module_completion_record_if_complete`).

Every page that shows a module's state (the module itself, the list of modules, My training) reads it from here, so
they cannot disagree.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BooleanField, CharField, DateField, DateTimeField, IntegerField, OuterRef, Subquery, Value
from django.utils import timezone

from portal.compliance import status as standing
from portal.compliance.models import ReattestationRound, Requirement, RequirementStatus
from quizzes.models import Attempt

from .models import ModuleCompletion, ModulePage, ReviewFlag, ScenarioResponse

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETE = "complete"

STATUS_LABELS = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", COMPLETE: "Completed"}
STATUS_TAG_COLOURS = {NOT_STARTED: "grey", IN_PROGRESS: "blue", COMPLETE: "green"}


@dataclass
class ScenarioState:
    block_id: str
    # The person's latest answer here (its id), one from an earlier round too: the form says which it showed, so the
    # same form sent again records nothing new (`scenario_response_record`).
    latest_response_id: int | None = None
    latest_option: int | None = None
    latest_expected: bool = False
    reached_expected: bool = False
    last_reached_at: datetime.datetime | None = None  # when it was last answered as the policy expects


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class RequirementStanding:
    """The person's status row on an active requirement naming the module (an unsaved copy: requirement and dates),
    with the moment the requirement's current round began for them: the completion the row holds, or, when a
    material policy change reopened the module after it, the moment that change was published."""

    row: RequirementStatus
    round_began: datetime.datetime | None


def _round_began(
    row: RequirementStatus, completed_at: datetime.datetime | None, reopened_at: datetime.datetime | None
) -> datetime.datetime | None:
    """When the round the status row is in began: its completion (`completed_at`, the time of the evidence it
    holds), or the opening of the requirement's latest re-attestation round when that round outdates the completion
    by the rule the status itself follows (`ReattestationRound.outdates`), so both agree on what is due again."""
    if row.completed_on is None:
        return None
    reopened = (
        reopened_at is not None
        and completed_at is not None
        and ReattestationRound(opened_at=reopened_at).outdates(
            kind=Requirement.COMPLETE_MODULE, snapshot_id=None, completed_at=completed_at
        )
    )
    moments = [moment for moment in (completed_at, reopened_at if reopened else None) if moment is not None]
    return max(moments, default=None)


@dataclass(frozen=True)
class DueAgain:
    """A module the person completed that a requirement asks them to do again: its completion has expired or
    expires soon (a renewal period), or a material policy change reopened the module. The state and tag are
    My training's ("Due soon", "Overdue"), from the same status row."""

    state: str  # standing.DUE_SOON or standing.OVERDUE
    due_on: datetime.date | None
    completed_on: datetime.date
    round_began: datetime.datetime | None  # `RequirementStanding.round_began`

    @property
    def label(self) -> str:
        return standing.label(self.state)

    @property
    def colour(self) -> str:
        return standing.TAG_COLOURS[self.state]

    @property
    def headline(self) -> str:
        """My training's action, with its date: "Do the module again by 12 March 2027."."""
        if self.due_on is None:
            return "Do the module again."
        if self.state == standing.OVERDUE:
            return f"Do the module again: it was due by {_long_date(self.due_on)}."
        return f"Do the module again by {_long_date(self.due_on)}."

    @property
    def completed_text(self) -> str:
        return f"You completed it on {_long_date(self.completed_on)}."


@dataclass
class ModuleProgress:
    page: ModulePage
    # The scenarios staff are shown: those held back for an editor's review are left out (and counted nowhere).
    scenarios: dict[str, ScenarioState] = field(default_factory=dict)
    held_block_ids: set[str] = field(default_factory=set)
    has_quiz: bool = False
    quiz_id: int | None = None  # the module's quiz (its live version's): only a pass at it counts
    attempts: list = field(default_factory=list)
    completions: list = field(default_factory=list)  # newest first
    completed_at: object = None
    last_answered: str | None = None  # the scenario the person answered most recently
    # The person's status rows on the active requirements naming the module.
    standings: list[RequirementStanding] = field(default_factory=list)
    # A module with no quiz that is due again: the scenarios count only the answers given after this moment.
    counting_since: datetime.datetime | None = None

    @property
    def quiz_attempts(self) -> list:
        """The attempts at the module's quiz, newest first (`attempts` holds those at a quiz it has replaced too)."""
        return [attempt for attempt in self.attempts if attempt.quiz_id == self.quiz_id]

    @property
    def quiz_passed(self) -> bool:
        """Whether the person passed the module's quiz. A pass at a quiz the module has since replaced counts for
        nothing now (a completion it made before then stands: re-asking is a re-attestation round's job)."""
        return any(attempt.passed for attempt in self.quiz_attempts)

    @property
    def passed_replaced_quiz(self) -> bool:
        """Whether the person passed a quiz the module no longer uses and not yet the one it has now."""
        return (
            self.has_quiz
            and not self.quiz_passed
            and any(attempt.passed and attempt.quiz_id != self.quiz_id for attempt in self.attempts)
        )

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
        if self.has_quiz:
            return self.scenarios_complete and self.quiz_passed
        # With no quiz, the scenarios are the module: one with none to work through (all held back) is not done.
        return self.scenarios_total > 0 and self.scenarios_complete

    @property
    def status(self) -> str:
        """Where the person has got in the module itself; `due_again` says whether a requirement asks for it again."""
        if self.completed_at or self.is_complete:
            return COMPLETE
        if self.scenarios_done or any(s.latest_option is not None for s in self.scenarios.values()) or self.attempts:
            return IN_PROGRESS
        return NOT_STARTED

    @property
    def in_progress(self) -> bool:
        return self.status == IN_PROGRESS

    def _asked_again(self) -> list[DueAgain]:
        """The requirements asking the person to do the module again: each status row that holds a completion and
        is due soon or overdue."""
        today = timezone.localdate()
        return [
            DueAgain(state, one.row.due_on, one.row.completed_on, one.round_began)
            for one in self.standings
            if one.row.completed_on is not None
            and (state := one.row.state(today)) in {standing.DUE_SOON, standing.OVERDUE}
        ]

    @property
    def due_again(self) -> DueAgain | None:
        """The most urgent requirement asking the person to do the module again, as My training says it ("Due soon"
        or "Overdue", "Do the module again"). None while every completion still stands, and for a module not yet
        completed (its own state says that)."""
        if self.status != COMPLETE:
            return None
        due = self._asked_again()
        return min(due, key=lambda one: (one.state != standing.OVERDUE, one.due_on or datetime.date.max), default=None)

    def round_to_count_from(self) -> datetime.datetime | None:
        """For a module with no quiz that a requirement asks for again, the moment after which answers count: the
        latest moment a round asking for it began (so the completion it records is new for each of them), and never
        before the person's latest completion of the module here (a completion needs answers given after it). None
        for a module with a quiz (passing the quiz again renews it; the scenarios stay done) or not asked for again.
        From the status rows and completions: read before the answers are counted."""
        if self.has_quiz:
            return None
        began = [one.round_began for one in self._asked_again() if one.round_began is not None]
        if not began:
            return None
        return max([*began, self.completed_at] if self.completed_at else began)

    def worked_through_since(self, moment: datetime.datetime) -> bool:
        """Whether every scenario staff are shown has been answered as the policy expects after `moment`."""
        return bool(self.scenarios) and all(
            state.last_reached_at is not None and state.last_reached_at > moment for state in self.scenarios.values()
        )

    @property
    def status_label(self) -> str:
        due_again = self.due_again
        return due_again.label if due_again else STATUS_LABELS[self.status]

    @property
    def status_colour(self) -> str:
        due_again = self.due_again
        return due_again.colour if due_again else STATUS_TAG_COLOURS[self.status]

    @property
    def summary(self) -> str:
        """What is done and what is left, in one line: "1 of 3 scenarios worked through; quiz passed."; for a module
        due again, what to do and by when, and when they last completed it."""
        due_again = self.due_again
        if due_again:
            if self.has_quiz:
                how = "Take the quiz again and pass it."
            else:
                noun = "scenario" if self.scenarios_total == 1 else "scenarios"
                how = (
                    f"Work through every scenario again ({self.scenarios_done} of {self.scenarios_total} "
                    f"{noun} worked through again)."
                )
            return f"{due_again.headline} {how} {due_again.completed_text}"
        parts = []
        if self.scenarios_total:
            noun = "scenario" if self.scenarios_total == 1 else "scenarios"
            parts.append(f"{self.scenarios_done} of {self.scenarios_total} {noun} worked through")
        if self.quiz_passed:
            parts.append("quiz passed")
        elif self.has_quiz:
            parts.append("quiz changed since you passed it" if self.passed_replaced_quiz else "quiz not yet passed")
        text = "; ".join(parts)
        return f"{text[:1].upper()}{text[1:]}." if text else ""


def held_scenario_ids_by_page(page_ids) -> dict[int, set[str]]:
    """The scenarios on each page that a material policy change flagged and no editor has reviewed yet. One query."""
    held = defaultdict(set)
    for page_id, block_id in _held_flags(page_ids).values_list("page_id", "block_id"):
        held[page_id].add(block_id)
    return held


def _held_flags(page_ids):
    return ReviewFlag.objects.filter(page_id__in=list(page_ids), resolved_at__isnull=True).exclude(block_id="")


def module_quiz_id(page: ModulePage) -> int | None:
    """The id of the module's quiz (its first quiz block's, as `ModulePage.quiz`), from the page's raw stream: loads
    no quiz. Read from the page's row, it is the live version's. None for a module with no quiz."""
    return next((block["value"].get("quiz") for block in page.body.raw_data if block["type"] == "quiz"), None)


def scenarios_complete_for_user(user, page: ModulePage) -> bool:
    """Whether `user` has chosen the expected option in every scenario of `page` that staff are shown (the held ones
    aside), as `ModuleProgress.scenarios_complete` says. One query."""
    scenario_ids = {block["id"] for block in page.body.raw_data if block["type"] == "scenario"}
    reached = ScenarioResponse.objects.filter(user=user, page_id=page.pk, expected=True).values_list("block_id")
    held = _held_flags([page.pk]).values_list("block_id")
    return scenario_ids <= {block_id for (block_id,) in reached.order_by().union(held.order_by())}


HELD, RESPONSE, STANDING = "held", "response", "standing"
_STANDING_DATES = ("completed_on", "expires_on", "due_on", "paused_from", "paused_until", "renew_from")


def _none(output_field):
    return Value(None, output_field=output_field)


def _latest_round_opened_at():
    """The opening of the latest re-attestation round on a status row's requirement, as a column of the status
    rows: on a module's requirement, a material policy change that reopened the module."""
    rounds = (
        ReattestationRound.objects.in_force().filter(requirement_id=OuterRef("requirement_id")).order_by("-opened_at")
    )
    return Subquery(rounds.values("opened_at")[:1], output_field=DateTimeField())


def _held_responses_and_standings(user, page_ids):
    """The held scenarios of these pages, the person's answers in them and their status rows on the active
    requirements naming them (as `PolicyPage.attestation_for` reads a policy's), in one query (a UNION): rows of
    (kind, page id, block id, option index, expected, answered at, id, *the status row's dates, the time of the
    completion it holds, the opening of its requirement's latest re-attestation round), answers in the order given.
    A status row's id column holds its requirement's id."""
    no_dates = [_none(DateField()) for _ in _STANDING_DATES]
    no_moments = [_none(DateTimeField()), _none(DateTimeField())]
    responses = ScenarioResponse.objects.filter(user=user, page_id__in=page_ids).values_list(
        Value(RESPONSE, output_field=CharField()),
        "page_id",
        "block_id",
        "option_index",
        "expected",
        "created_at",
        "pk",
        *no_dates,
        *no_moments,
    )
    standings = RequirementStatus.objects.filter(
        staff__user=user,
        requirement__page_id__in=page_ids,
        requirement__kind=Requirement.COMPLETE_MODULE,
        requirement__active=True,
    ).values_list(
        Value(STANDING, output_field=CharField()),
        "requirement__page_id",
        Value("", output_field=CharField()),
        _none(IntegerField()),
        Value(False, output_field=BooleanField()),
        _none(DateTimeField()),
        "requirement_id",
        *_STANDING_DATES,
        "evidence__completed_at",
        _latest_round_opened_at(),
    )
    held = _held_flags(page_ids).values_list(
        Value(HELD, output_field=CharField()),
        "page_id",
        "block_id",
        _none(IntegerField()),
        Value(False, output_field=BooleanField()),
        _none(DateTimeField()),
        _none(IntegerField()),
        *no_dates,
        *no_moments,
    )
    # The answers' column names name the columns. Answers first, then the status rows: every column has a typed value
    # in the first two, so PostgreSQL, which types a UNION pair by pair, never meets a column of NULLs alone.
    rows = responses.order_by().union(standings.order_by(), held.order_by(), all=True)
    # Answers in the order given; the other rows carry no time and come first. A person's answers are few: sorted here.
    return sorted(rows, key=lambda row: (row[5] is not None, row[5] or 0, row[6] or 0))


def _progress_for_pages(user, pages) -> list[ModuleProgress]:
    """Progress for many modules in a fixed number of queries (three), whatever the number of modules."""
    pages = list(pages)
    page_ids = [page.pk for page in pages]
    rows = _held_responses_and_standings(user, page_ids)
    attempts = list(Attempt.objects.filter(user=user, page_id__in=page_ids).order_by("-started_at", "-pk"))
    completions = list(ModuleCompletion.objects.filter(user=user, page_id__in=page_ids).order_by("-completed_at"))

    held = defaultdict(set)
    for kind, page_id, block_id, *_ in rows:
        if kind == HELD:
            held[page_id].add(block_id)
    progress_by_page = {}
    for page in pages:
        # The raw stream, so listing modules does not load each module's quiz (a query per module).
        raw = list(page.body.raw_data)
        held_here = held.get(page.pk, set())
        progress = ModuleProgress(
            page=page,
            scenarios={
                b["id"]: ScenarioState(block_id=b["id"])
                for b in raw
                if b["type"] == "scenario" and b["id"] not in held_here
            },
            held_block_ids=held_here,
            has_quiz=any(b["type"] == "quiz" for b in raw),
            quiz_id=module_quiz_id(page),
        )
        progress_by_page[page.pk] = progress
    # The status rows and completions first: they say from when a module due again counts the answers.
    for kind, page_id, _, _, _, _, requirement_id, *dates, completed_at, reopened_at in rows:
        if kind == STANDING:
            row = RequirementStatus(requirement_id=requirement_id, **dict(zip(_STANDING_DATES, dates, strict=True)))
            standing_here = RequirementStanding(row, _round_began(row, completed_at, reopened_at))
            progress_by_page[page_id].standings.append(standing_here)
    for completion in completions:
        progress = progress_by_page[completion.page_id]
        progress.completions.append(completion)
        progress.completed_at = progress.completed_at or completion.completed_at
    for progress in progress_by_page.values():
        progress.counting_since = progress.round_to_count_from()
    for kind, page_id, block_id, option_index, expected, answered_at, response_id, *_ in rows:
        progress = progress_by_page[page_id]
        if kind != RESPONSE:
            continue
        state = progress.scenarios.get(block_id)
        if state is None:  # the scenario has since been removed from the module, or is held back for review
            continue
        state.latest_response_id = response_id
        if progress.counting_since is not None and answered_at <= progress.counting_since:
            continue  # given in an earlier round of a module asked for again
        state.latest_option = option_index
        state.latest_expected = expected
        state.reached_expected = state.reached_expected or expected
        if expected:
            state.last_reached_at = answered_at
        progress.last_answered = block_id
    for attempt in attempts:
        progress = progress_by_page[attempt.page_id]
        progress.attempts.append(attempt)
    return [progress_by_page[page.pk] for page in pages]


def module_progress_for_user(user, page: ModulePage) -> ModuleProgress:
    return _progress_for_pages(user, [page])[0]


def module_progress_list_for_user(user, parent=None) -> list[ModuleProgress]:
    """The live modules (below `parent`), an alias of one left out: it is the module again (`aliasing`)."""
    pages = ModulePage.objects.live().filter(alias_of__isnull=True).order_by("path")
    if parent is not None:
        pages = pages.child_of(parent)
    return _progress_for_pages(user, pages)


def module_progress_by_page_for_user(user, page_ids) -> dict[int, ModuleProgress]:
    """Progress in each of the live modules among `page_ids`, by page id: what My training shows beside a module
    it requires. Four queries, whatever the number of modules; one more when a requirement names an alias of a module
    (made before they were refused, `aliasing`), whose progress is its module's."""
    pages = list(ModulePage.objects.live().filter(pk__in=list(page_ids)))
    module_of = {page.pk: page.alias_of_id for page in pages if page.alias_of_id}
    pages = [page for page in pages if not page.alias_of_id]
    if module_of:
        pages += ModulePage.objects.live().filter(pk__in=set(module_of.values())).exclude(pk__in=[p.pk for p in pages])
    by_page = {progress.page.pk: progress for progress in _progress_for_pages(user, pages)}
    by_page.update({alias: by_page[module] for alias, module in module_of.items() if module in by_page})
    return by_page
