"""Uploaded certificates and their private storage, verification codes, and the reminders sent."""

import datetime
import hashlib
import json

from django.conf import settings
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

from portal.people.models import AppendOnly, StaffMember

from .ledger import EvidenceEntry
from .requirements import Requirement


class _PrivateStorage(LazyObject):
    """storages["private"], looked up when first used and again after the STORAGES setting changes (as Django's own
    default_storage is), so that tests can point it somewhere else."""

    def _setup(self):
        self._wrapped = storages["private"]


_private = _PrivateStorage()


@receiver(setting_changed)
def _private_storage_reset(*, setting, **kwargs):
    if setting == "STORAGES":
        _private._wrapped = empty


def private_storage():
    return _private


class Certificate(models.Model):
    """A certificate a person uploaded for an external course, waiting for, or past, HR's verification."""

    # Withdrawn: HR verified it, then voided the ledger entry the verification made (`evidence_void`).
    PENDING, APPROVED, REJECTED, WITHDRAWN = "pending", "approved", "rejected", "withdrawn"
    STATUS_CHOICES = [
        (PENDING, "Waiting for HR"),
        (APPROVED, "Verified"),
        (REJECTED, "Rejected"),
        (WITHDRAWN, "Withdrawn by HR"),
    ]
    # What stands for the course: a copy of one of these (same file, or same completion date) is refused.
    STANDING = (PENDING, APPROVED)

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="certificates")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="certificates")
    file = models.FileField(upload_to="certificates/%Y/%m/", storage=private_storage, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    completed_on = models.DateField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Who uploaded it and who checked it are part of the evidence: the account cannot be deleted while they name it
    # (`portal.accounts.deletion` says so at the CMS's doors; PROTECT in code).
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    evidence = models.ForeignKey(EvidenceEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True, help_text="The reason HR gave for voiding the verification.")

    class Meta:
        ordering = ["uploaded_at"]
        indexes = [
            models.Index(fields=["status", "uploaded_at"]),
            # Verifying looks for the same file uploaded by anyone else (`certificates`): one row, not the table.
            models.Index(fields=["sha256"], name="compliance_cert_sha256_idx"),
        ]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"


class VerificationCodeQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("A certificate's code keeps what it was issued with: issue a new one instead.")

    def delete(self):
        raise AppendOnly("A certificate's code is never removed: whoever holds the paper can still check it.")


class VerificationCode(models.Model):
    """The code printed on a completion certificate, with what the certificate says that can change after it is
    issued: the person's name, the training's name and the expiry (the renewal period is HR's to change). The rest
    (dates, source, policy version) is the ledger entry's own, which never changes. /verify/<code> shows the
    certificate as it was issued, so a paper copy always matches its check. A download whose facts differ from every
    certificate issued for the entry before issues a new one with a code of its own (`reports.certificates`)."""

    code = models.CharField(max_length=20, unique=True)
    entry = models.ForeignKey(EvidenceEntry, on_delete=models.PROTECT, related_name="verifications")
    created_at = models.DateTimeField(auto_now_add=True)
    name = models.CharField(max_length=301, help_text="The person's name as printed.")
    requirement_name = models.CharField(max_length=200, help_text="The training's name as printed.")
    expires_on = models.DateField(null=True, blank=True, help_text="Valid until, as printed; empty: no expiry.")
    # The entry and the three facts above, hashed: one certificate for each set of facts an entry was issued with,
    # even for two downloads at once.
    facts_key = models.CharField(max_length=64, unique=True)

    objects = VerificationCodeQuerySet.as_manager()

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("A certificate's code keeps what it was issued with: issue a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("A certificate's code is never removed: whoever holds the paper can still check it.")

    @staticmethod
    def key_of(entry_id: int, name: str, requirement_name: str, expires_on: datetime.date | None) -> str:
        """The `facts_key` of a certificate for entry `entry_id` with these facts."""
        facts = [entry_id, name, requirement_name, expires_on.isoformat() if expires_on else None]
        return hashlib.sha256(json.dumps(facts).encode("utf-8")).hexdigest()


class ReminderLog(models.Model):
    """A reminder claimed, and sent once `sent_at` is set. The unique constraint is what makes each (person,
    requirement, stage, due date) once-ever, even with two workers running at the same moment: the row is inserted
    (claimed) before the email goes, and marked sent when the mail server has taken it. A claim never marked sent is
    one whose worker was killed between the two; a later run sends it (`reminder_sending.CLAIM_LEFT_AFTER`)."""

    BEFORE, ON_DUE, AFTER, ESCALATE_MANAGER, ESCALATE_HR, DIGEST, BY_HAND = (
        "before",
        "on_due",
        "after",
        "manager",
        "hr",
        "digest",
        "by_hand",
    )
    STAGE_CHOICES = [
        (BEFORE, "Before the due date"),
        (ON_DUE, "On the due date"),
        (AFTER, "After the due date"),
        (ESCALATE_MANAGER, "Escalated to line manager"),
        (ESCALATE_HR, "Escalated to HR"),
        (DIGEST, "Manager's weekly digest"),
        (BY_HAND, "Sent by a manager from their team page"),
    ]

    staff = models.ForeignKey(StaffMember, null=True, on_delete=models.CASCADE, related_name="reminders")
    # PROTECT: a reminder sent is the record of what people were told, so it holds its requirement (retire it instead).
    requirement = models.ForeignKey(Requirement, null=True, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=10, choices=STAGE_CHOICES)
    days_before = models.PositiveSmallIntegerField(
        default=0, help_text="For a reminder before the due date: how many days before it was due to go."
    )
    due_on = models.DateField(
        help_text="The due date the reminder was about (the digest's week for digests, the day sent for one sent by "
        "hand)."
    )
    recipient = models.EmailField()
    subject = models.CharField(max_length=255)
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the mail server took it; empty while it is only claimed."
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Set when a manager sent it by hand.",
    )

    class Meta:
        ordering = ["-claimed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "requirement", "stage", "days_before", "due_on", "recipient"],
                name="reminder_once_ever",
            ),
            # The digest has no requirement (NULLs never clash in a unique index), so it has its own rule.
            models.UniqueConstraint(
                fields=["staff", "stage", "due_on", "recipient"],
                condition=models.Q(stage="digest"),
                name="digest_once_a_week",
            ),
            models.UniqueConstraint(
                fields=["staff", "stage", "due_on", "recipient"],
                condition=models.Q(stage="by_hand"),
                name="by_hand_once_a_day",
            ),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} to {self.recipient}"
