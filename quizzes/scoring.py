"""Drawing and marking quizzes: pure functions over frozen questions, no database.

An attempt stores the questions exactly as asked (FrozenQuestion.as_dict); everything here works on that copy, so
editing a question bank later never changes how a past attempt was marked.
"""

import random
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

SINGLE = "single"
MULTIPLE = "multiple"
TRUE_FALSE = "true_false"


@dataclass(frozen=True)
class FrozenChoice:
    id: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class FrozenQuestion:
    id: str
    kind: str
    scenario: str
    stem: str
    clause: str
    choices: tuple[FrozenChoice, ...]

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(choice.id for choice in self.choices if choice.correct)

    @property
    def allows_several(self) -> bool:
        return self.kind == MULTIPLE

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> "FrozenQuestion":
        return cls(
            id=str(data["id"]),
            kind=data["kind"],
            scenario=data.get("scenario", ""),
            stem=data["stem"],
            clause=data["clause"],
            choices=tuple(FrozenChoice(**choice) for choice in data["choices"]),
        )


@dataclass(frozen=True)
class QuestionResult:
    question: FrozenQuestion
    selected: frozenset[str]
    correct: bool

    @property
    def selected_choices(self) -> list[FrozenChoice]:
        return [choice for choice in self.question.choices if choice.id in self.selected]

    @property
    def missed_count(self) -> int:
        """How many right choices the person did not pick (for 'several answers' questions)."""
        return len(self.question.correct_ids - self.selected)


@dataclass(frozen=True)
class AttemptResult:
    results: tuple[QuestionResult, ...]
    pass_mark: int
    correct_count: int = field(init=False)
    total: int = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "correct_count", sum(1 for result in self.results if result.correct))
        object.__setattr__(self, "total", len(self.results))

    @property
    def percent(self) -> int:
        """The score as a whole percentage, rounded down so a displayed score never overstates the result."""
        return (self.correct_count * 100) // self.total if self.total else 0

    @property
    def passed(self) -> bool:
        # Compare exactly (no rounding): 4 of 5 against a pass mark of 80 passes; 7 of 9 (77.8%) against 78 does not.
        return self.total > 0 and self.correct_count * 100 >= self.pass_mark * self.total

    @property
    def clauses_to_reread(self) -> list[str]:
        clauses: list[str] = []
        for result in self.results:
            if not result.correct and result.question.clause not in clauses:
                clauses.append(result.question.clause)
        return clauses


def right_answers_to_pass(total: int, pass_mark: int) -> int:
    """The fewest right answers of `total` that pass at `pass_mark` (as `AttemptResult.passed` compares)."""
    return -(-pass_mark * total // 100)


def draw_question_ids(clause_by_id: Mapping[int, str], count: int, seed: int) -> list[int]:
    """Pick `count` question ids at random (all of them if fewer), reproducibly for a given seed, across clauses.

    The draw is stratified: one question from each clause the pool tests first (from as many clauses as `count`
    allows, a different selection each seed), then the rest from the remaining questions at random, so a clause
    with more questions in the bank is asked about more often. A uniform draw missed a clause with one question in
    most attempts. The chosen questions are shuffled so their order does not show which came from which step.
    """
    rng = random.Random(seed)
    by_clause: dict[str, list[int]] = {}
    for question_id in sorted(clause_by_id):
        by_clause.setdefault(clause_by_id[question_id], []).append(question_id)
    clauses = sorted(by_clause)
    rng.shuffle(clauses)
    chosen = [rng.choice(by_clause[clause]) for clause in clauses[:count]]
    rest = sorted(set(clause_by_id) - set(chosen))
    chosen += rng.sample(rest, min(count - len(chosen), len(rest)))
    rng.shuffle(chosen)
    return chosen


def shuffle_choices(choices: Sequence[FrozenChoice], kind: str, seed: int) -> tuple[FrozenChoice, ...]:
    """Shuffle answer order so position gives nothing away; True/False keeps its natural order."""
    if kind == TRUE_FALSE:
        return tuple(choices)
    shuffled = list(choices)
    random.Random(seed).shuffle(shuffled)
    return tuple(shuffled)


def mark_question(question: FrozenQuestion, selected: frozenset[str]) -> QuestionResult:
    """Right only when the selection is exactly the set of right choices: no partial credit."""
    return QuestionResult(question=question, selected=selected, correct=selected == question.correct_ids)


def mark_attempt(
    questions: Sequence[FrozenQuestion], answers: Mapping[str, Sequence[str]], pass_mark: int
) -> AttemptResult:
    results = tuple(mark_question(q, frozenset(answers.get(q.id, ()))) for q in questions)
    return AttemptResult(results=results, pass_mark=pass_mark)


def unanswered(questions: Sequence[FrozenQuestion], answers: Mapping[str, Sequence[str]]) -> list[FrozenQuestion]:
    return [q for q in questions if not answers.get(q.id)]


def foreign_choices(questions: Sequence[FrozenQuestion], answers: Mapping[str, Sequence[str]]) -> list[str]:
    """Choice ids in the answers that were never offered for their question (a tampered or stale form)."""
    offered = {q.id: {choice.id for choice in q.choices} for q in questions}
    bad = []
    for question_id, chosen in answers.items():
        if question_id not in offered:
            bad.append(question_id)
            continue
        bad.extend(choice for choice in chosen if choice not in offered[question_id])
    return bad
