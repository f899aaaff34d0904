from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from portal.lib.clauses import validate_clause

from . import scoring
from .forms import QuestionAdminForm, UnchangedSinceOpenedForm


class QuestionBank(index.Indexed, models.Model):
    title = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    panels = [FieldPanel("title"), FieldPanel("description")]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class Question(index.Indexed, ClusterableModel):
    KIND_CHOICES = [
        (scoring.SINGLE, "One answer"),
        (scoring.MULTIPLE, "Several answers"),
        (scoring.TRUE_FALSE, "True or false"),
    ]

    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="questions")
    kind = models.CharField(max_length=12, choices=KIND_CHOICES, default=scoring.SINGLE)
    scenario = models.TextField(blank=True, help_text="Optional: a short situation shown before the question.")
    stem = models.TextField("question")
    clause = models.CharField(max_length=12, validators=[validate_clause], help_text="The policy clause it tests: 6.2")
    active = models.BooleanField(default=True, help_text="Untick to stop drawing this question in new attempts.")
    # Set while a material change to its clause waits for an editor's review (modules.review): never drawn then,
    # so nobody is asked about a superseded rule.
    held_for_review = models.BooleanField(default=False, editable=False)
    # Saved from the CMS (the question or its choices): an attempt begun before then asked something else, so it
    # can no longer be submitted (quizzes.services), and an edit page opened before then is refused
    # (`forms.UnchangedSinceOpenedForm`). Empty on questions last saved before this was recorded.
    changed_at = models.DateTimeField(auto_now=True, null=True)

    base_form_class = QuestionAdminForm
    panels = [
        MultiFieldPanel([FieldPanel("bank"), FieldPanel("kind"), FieldPanel("clause"), FieldPanel("active")]),
        FieldPanel("scenario"),
        FieldPanel("stem"),
        InlinePanel("choices", label="Choice", min_num=2, max_num=6),
    ]
    search_fields = [
        index.SearchField("stem"),
        index.SearchField("scenario"),
        index.AutocompleteField("stem"),  # the CMS's search box finds "journ" as it is typed, as for banks and quizzes
        index.AutocompleteField("scenario"),
        index.FilterField("bank"),
    ]

    class Meta:
        ordering = ["bank", "pk"]

    def __str__(self):
        return self.stem if len(self.stem) < 80 else self.stem[:77] + "…"

    # What a save must change for `changed_at` to move (`forms.QuestionAdminForm.save`): what learners are asked and
    # marked against, and whether and from where it is drawn.
    CONTENT_FIELDS = ("bank_id", "kind", "scenario", "stem", "clause", "active")
    CHOICE_FIELDS = ("pk", "text", "is_correct", "feedback")

    @classmethod
    def content_as_saved(cls, pk: int) -> tuple:
        """The question `pk` as saved: its `CONTENT_FIELDS` and its choices in their order, line breaks read alike
        (a browser sends a text box's as CR LF). Two queries."""
        row = cls.objects.filter(pk=pk).values_list(*cls.CONTENT_FIELDS).first()
        choices = Choice.objects.filter(question_id=pk).order_by("sort_order", "pk").values_list(*cls.CHOICE_FIELDS)
        return tuple(_lines_read_alike(row or ())), tuple(tuple(_lines_read_alike(c)) for c in choices)

    def freeze(self, seed: int) -> scoring.FrozenQuestion:
        """The question exactly as it is now, with choices in a seeded order, for an attempt to keep."""
        choices = [
            scoring.FrozenChoice(
                id=str(choice.pk), text=choice.text, correct=choice.is_correct, feedback=choice.feedback
            )
            for choice in self.choices.all()
        ]
        return scoring.FrozenQuestion(
            id=str(self.pk),
            kind=self.kind,
            scenario=self.scenario,
            stem=self.stem,
            clause=self.clause,
            choices=scoring.shuffle_choices(choices, self.kind, seed + self.pk),
        )


def _lines_read_alike(values):
    return [value.replace("\r\n", "\n") if isinstance(value, str) else value for value in values]


class Choice(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField("right answer", default=False)
    feedback = models.TextField(help_text="Shown after the attempt to anyone who picked this choice.")

    panels = [FieldPanel("text"), FieldPanel("is_correct"), FieldPanel("feedback")]

    class Meta(Orderable.Meta):
        # Choices added in code have no place (sort_order empty): in the order added, on every database, in the
        # CMS's inline forms and in a question frozen for an attempt.
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.text


class Quiz(index.Indexed, ClusterableModel):
    title = models.CharField(max_length=200)
    banks = ParentalManyToManyField(QuestionBank, related_name="quizzes")
    questions_per_attempt = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(1)])
    pass_mark = models.PositiveSmallIntegerField(
        "pass mark (%)", default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    KEEP_REVIEWED, PAUSE = "keep", "pause"
    when_short_of_reviewed = models.CharField(
        "when questions are held for review",
        max_length=5,
        choices=[
            (KEEP_REVIEWED, "Keep asking: draw from the reviewed questions only, fewer per attempt if need be"),
            (PAUSE, "Pause the quiz until enough questions are reviewed"),
        ],
        default=KEEP_REVIEWED,
        help_text="A material policy change holds back the questions on the clauses it changed until you review "
        "them. Choose what happens if that leaves fewer reviewed questions than an attempt asks. Keeping on asking "
        "can leave an attempt as short as one question, passed with one right answer: pause the quiz if it must "
        "not be passed on fewer questions than it asks.",
    )
    attempts_before_reread = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1)],
        help_text="After this many failed attempts in a row, the person is asked to re-read the module. "
        "They can always try again.",
    )
    # Saved from the CMS: an edit page opened before then is refused (`forms.UnchangedSinceOpenedForm`).
    changed_at = models.DateTimeField(auto_now=True, null=True)

    base_form_class = UnchangedSinceOpenedForm
    panels = [
        FieldPanel("title"),
        FieldPanel("banks"),
        FieldPanel("questions_per_attempt"),
        FieldPanel("pass_mark"),
        FieldPanel("attempts_before_reread"),
        FieldPanel("when_short_of_reviewed"),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "quizzes"

    def __str__(self):
        return self.title

    def active_question_ids(self) -> list[int]:
        return list(self.active_question_clauses())

    def active_question_clauses(self) -> dict[int, str]:
        """The clause each question that may be drawn tests, by question id: active, and not held for review."""
        questions = Question.objects.filter(bank__in=self.banks.all(), active=True, held_for_review=False)
        return dict(questions.values_list("pk", "clause").distinct())

    def held_question_count(self) -> int:
        return Question.objects.filter(bank__in=self.banks.all(), active=True, held_for_review=True).distinct().count()

    def active_question_count(self) -> int:
        """The active questions its banks hold, held for review or not."""
        return Question.objects.filter(bank__in=self.banks.all(), active=True).distinct().count()

    def short_of_questions(self, active_count: int | None = None) -> bool:
        """Its banks hold fewer active questions than an attempt asks (questions deleted, retired or moved since the
        quiz was saved, which `clean` refuses): paused, whatever `when_short_of_reviewed` says, until an editor adds
        questions or asks fewer. `active_count`, when the caller has counted them already."""
        active = self.active_question_count() if active_count is None else active_count
        return active < self.questions_per_attempt

    def short_of_reviewed(self) -> bool:
        """Questions are held for review and too few reviewed ones are left for an attempt."""
        return bool(self.held_question_count()) and len(self.active_question_clauses()) < self.questions_per_attempt

    def clean(self):
        super().clean()
        if self.pk and self.questions_per_attempt and self.short_of_questions():
            raise ValidationError({"questions_per_attempt": "The chosen banks hold fewer active questions than this."})


class Attempt(models.Model):
    """One go at a quiz, keeping a frozen copy of exactly what was asked and what the person answered."""

    # Evidence of what the person did: the account cannot be deleted while attempts name it (`accounts.deletion`).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quiz_attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # evidence of the module: a page with attempts is not deleted
        related_name="+",
        help_text="The module the quiz was taken from.",
    )
    seed = models.BigIntegerField()
    pass_mark = models.PositiveSmallIntegerField()
    # The quiz's questions per attempt when it was drawn (fewer are drawn when too few are reviewed: the quiz's
    # `when_short_of_reviewed`): an attempt the quiz now asks another number of is not submitted (quizzes.services).
    # Empty on attempts submitted before this was recorded.
    questions_per_attempt = models.PositiveSmallIntegerField(null=True, blank=True)
    questions = models.JSONField(help_text="The questions and choices exactly as offered.")
    answers = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(null=True, blank=True)
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["user", "quiz", "page"])]
        constraints = [
            # At most one open attempt per person, quiz and module: a second "start" resumes the first.
            models.UniqueConstraint(
                fields=["user", "quiz", "page"],
                condition=models.Q(submitted_at__isnull=True),
                name="one_open_attempt",
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.quiz} ({self.started_at:%Y-%m-%d %H:%M})"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def percent(self) -> int | None:
        return None if not self.total else (self.correct_count * 100) // self.total

    @property
    def drawn_short(self) -> bool:
        """Fewer questions were drawn than its quiz asked: too few were reviewed, and it kept asking those."""
        return self.questions_per_attempt is not None and len(self.questions) < self.questions_per_attempt

    def frozen_questions(self) -> list[scoring.FrozenQuestion]:
        return [scoring.FrozenQuestion.from_dict(data) for data in self.questions]

    def result(self) -> scoring.AttemptResult:
        return scoring.mark_attempt(self.frozen_questions(), self.answers, self.pass_mark)
