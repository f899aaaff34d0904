from django.conf import settings
from django.db import models


class ScenarioResponse(models.Model):
    """One choice a person made in a scenario. Kept as they made it, even if the scenario is later edited."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scenario_responses")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
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

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_completions")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.PROTECT, related_name="+")
    attempt = models.OneToOneField(
        "quizzes.Attempt", null=True, blank=True, on_delete=models.PROTECT, related_name="module_completion"
    )
    completed_at = models.DateTimeField()

    class Meta:
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "page"],
                condition=models.Q(attempt__isnull=True),
                name="one_quizless_completion",
            )
        ]

    def __str__(self):
        return f"{self.user} completed {self.page_id} at {self.completed_at:%Y-%m-%d %H:%M}"
