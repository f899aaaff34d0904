"""Which quizzes a question's leaving would leave asking more questions per attempt than their banks hold: the CMS's
doors that take questions out of a quiz (deleting them, unticking "active", moving one to another bank) refuse
what would, as `Quiz.clean` refuses a quiz asking more than its banks hold."""

from dataclasses import dataclass

from django.db.models import Count, F, Q

from .models import Question, QuestionBank, Quiz


@dataclass(frozen=True)
class Shortfall:
    quiz: Quiz
    left: int  # the active questions its banks would hold

    def refusal(self, change: str) -> str:
        """Why `change` (what the editor asked, as a phrase: "Deleting this question") is refused."""
        return (
            f"{change} would leave “{self.quiz.title}” with {self.left} active question{'' if self.left == 1 else 's'}"
            f" for the {self.quiz.questions_per_attempt} it asks in each attempt. Add questions to its banks, or "
            "lower its questions per attempt, first."
        )


def quizzes_left_short(*, question_ids, kept_in: QuestionBank | None = None) -> list[Shortfall]:
    """The quizzes that draw from the questions `question_ids` and would hold fewer active questions than an attempt
    asks once those stop counting, by title. A quiz that also draws from the bank `kept_in` (where a moved question
    goes) keeps them. Inactive questions count for no quiz already. One query."""
    ids = list(question_ids)
    leaving = Question.objects.filter(pk__in=ids, active=True)
    drawing = Quiz.objects.filter(banks__questions__in=leaving).values("pk")
    quizzes = Quiz.objects.filter(pk__in=drawing)
    if kept_in is not None:
        quizzes = quizzes.exclude(pk__in=Quiz.objects.filter(banks=kept_in).values("pk"))
    staying = Q(banks__questions__active=True) & ~Q(banks__questions__pk__in=ids)
    quizzes = quizzes.annotate(left=Count("banks__questions", filter=staying, distinct=True))
    short = quizzes.filter(left__lt=F("questions_per_attempt")).order_by("title", "pk")
    return [Shortfall(quiz=quiz, left=quiz.left) for quiz in short]


def question_deletion_refusal(snippets) -> list[str]:
    """Why deleting these snippets (a question's own delete, or the listing's bulk delete; anything but questions is
    no concern here) is refused: one reason for each quiz it would leave short, or none."""
    questions = [snippet for snippet in snippets if isinstance(snippet, Question)]
    if not questions:
        return []
    change = "Deleting this question" if len(questions) == 1 else f"Deleting these {len(questions)} questions"
    return [shortfall.refusal(change) for shortfall in quizzes_left_short(question_ids=[q.pk for q in questions])]
