import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from portal.compliance.models import ImportBatch
from portal.people.models import StaffMember, Team
from portal.people.roles import HR_GROUP


class ApiClientQuerySet(models.QuerySet):
    def with_holder(self):
        """Each client with the person shown its token now (`token_shown_to`), whether they are in the HR group
        (`holder_in_hr`) and their leave date on the roster (`holder_leave_date`), in the client's own query: joins
        and a subquery, never a query per client or per call."""
        in_hr = Group.objects.filter(name=HR_GROUP, user=OuterRef("token_shown_to"))
        return self.select_related("token_shown_to").annotate(
            holder_in_hr=Exists(in_hr), holder_leave_date=F("token_shown_to__staff__leave_date")
        )


class ApiClient(models.Model):
    """A system HR lets call the API: what it may do (`scopes`) and, if set, the team it is limited to (and the
    teams below). Only a hash of its token is kept: the token itself is shown once, when made or rotated."""

    READ_STANDING, WRITE_COMPLETIONS, WRITE_ROSTER, READ_LEDGER = (
        "read_standing",
        "write_completions",
        "write_roster",
        "read_ledger",
    )
    SCOPE_CHOICES = [
        (READ_STANDING, "Read standing: a person's, a team's and the organisation's figures"),
        (WRITE_COMPLETIONS, "Send e-learning completions"),
        (WRITE_ROSTER, "Send roster changes"),
        (READ_LEDGER, "Read the evidence ledger, to archive it"),
    ]

    name = models.CharField(max_length=100)
    scopes = models.JSONField(default=list)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="Empty: everyone."
    )
    token_prefix = models.CharField(max_length=16, unique=True, help_text="Finds the client; not secret.")
    token_sha256 = models.CharField(max_length=64)
    # PROTECT: the account is closed, never deleted, while a client names it (portal/api/wagtail_hooks.py)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    token_shown_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who was shown the token now in use: its maker, or whoever rotated it last. They hold it, so their "
        "own records are refused through it, as its maker's are.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    rotated_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    revoked_reason = models.CharField(max_length=500, blank=True)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        ordering = ["revoked_at", "name", "pk"]

    def __str__(self):
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def holder_lapsed(self) -> bool:
        """The person shown the token now in use (its maker, or whoever rotated it last) no longer signs in, has left
        (the roster's leave date has passed, though no roster closed their account yet: they can no longer sign in,
        `accounts.leavers`) or is no longer HR (a superuser counts, as `people.roles` counts HR): the token has
        outlived the role that let them hold it, so the API refuses it until HR rotates it or revokes the client. A
        token no person was shown (made by a command) answers to no one's role. Read from `with_holder()`, else it
        asks the database."""
        holder = self.token_shown_to
        if holder is None:
            return False
        if not hasattr(self, "holder_in_hr"):  # not read through `with_holder()`
            self.holder_in_hr = holder.groups.filter(name=HR_GROUP).exists()
            staff = StaffMember.objects.filter(user=holder)
            self.holder_leave_date = staff.values_list("leave_date", flat=True).first()
        left = self.holder_leave_date is not None and self.holder_leave_date < timezone.localdate()
        return left or not (holder.is_active and (holder.is_superuser or self.holder_in_hr))

    @property
    def scope_labels(self) -> list[str]:
        labels = dict(self.SCOPE_CHOICES)
        return [labels[scope] for scope in self.scopes if scope in labels]

    @property
    def audit_name(self) -> str:
        return f"API client {self.name} (#{self.pk})"

    def token_matches(self, token: str) -> bool:
        return hmac.compare_digest(hashlib.sha256(token.encode()).hexdigest(), self.token_sha256)


class IdempotentRequest(models.Model):
    """A write the API has answered, by the key its client sent: a retry with the same key and body gets the same
    answer and records nothing again; the same key with another body is refused. `status` is empty while the first
    request is still being answered."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="requests")
    key = models.CharField(max_length=200)
    request_sha256 = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.JSONField(default=dict, blank=True)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="api_one_request_per_key")]

    def __str__(self):
        return f"{self.client_id}:{self.key}"
