from django.conf import settings
from django.db import models


class ScenarioResponse(models.Model):
    """One choice a person made in a scenario. Kept as they made it, even if the scenario is later edited."""

    # Evidence of what the person did: the account cannot be deleted while answers name it (`accounts.deletion`).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scenario_responses")
    # Evidence of the module worked through: the page cannot be deleted while answers name it (`deletion`).
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.PROTECT, related_name="+")
    block_id = models.CharField(max_length=64)
    option_index = models.PositiveSmallIntegerField()
    option_text = models.TextField()
    expected = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["user", "page", "block_id"])]

    def __str__(self):
        return f"{self.user} chose option {self.option_index + 1} in {self.block_id}"


class ModuleCompletion(models.Model):
    """A module worked through: every scenario reached and the quiz passed (one row per passing attempt)."""

    # The evidence behind the ledger entry: the account cannot be deleted while completions name it.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="module_completions")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.PROTECT, related_name="+")
    attempt = models.OneToOneField(
        "quizzes.Attempt", null=True, blank=True, on_delete=models.PROTECT, related_name="module_completion"
    )
    completed_at = models.DateTimeField()
    sequence = models.PositiveIntegerField(
        default=0,
        help_text="A module with no quiz: 0 for the person's first completion, 1 for the next...",
    )

    class Meta:
        ordering = ["-completed_at"]
        constraints = [
            # A module with no quiz is completed again by working its scenarios through again (to renew it); two
            # requests finishing the same round at once still record one completion.
            models.UniqueConstraint(
                fields=["user", "page", "sequence"],
                condition=models.Q(attempt__isnull=True),
                name="one_quizless_completion_each_time",
            )
        ]

    def __str__(self):
        return f"{self.user} completed {self.page_id} at {self.completed_at:%Y-%m-%d %H:%M}"


class ReviewFlag(models.Model):
    """Content tagged to a clause that a material change touched: flagged until an editor confirms or changes it."""

    page = models.ForeignKey("wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    block_id = models.CharField(max_length=64, blank=True, help_text="The scenario's block id on the page.")
    content_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text="The scenario's or question's content when flagged (ScenarioBlock.content_hash, "
        "quizzes.content.question_content_hash): publishing the module, or saving the question, with other content "
        "resolves the flag as changed.",
    )
    question = models.ForeignKey(
        "quizzes.Question", null=True, blank=True, on_delete=models.CASCADE, related_name="review_flags"
    )
    clause = models.CharField(max_length=12)
    snapshot = models.ForeignKey("compliance.PolicySnapshot", on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=20, blank=True, help_text="confirmed or changed")

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["resolved_at"])]

    def __str__(self):
        what = f"question {self.question_id}" if self.question_id else f"scenario {self.block_id}"
        return f"Review {what} (clause {self.clause})"
