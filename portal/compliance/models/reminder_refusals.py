"""Reminders the mail server refused at the address: for good (the mailbox is gone, the address wrong) or for now (the
mailbox full): a row each time, never changed, so that the escalation goes ahead when the person or their manager
cannot be told (reminders.UNDELIVERABLE_AFTER, reminders.REFUSED_FOR_NOW_AFTER)."""

from django.db import models

from portal.people.models import StaffMember

from .requirements import Requirement


class ReminderRefusal(models.Model):
    """A reminder the mail server refused at its recipient's address (SMTPRecipientsRefused), as the run tried it:
    permanently (a 5xx answer: `for_good`) or for now (a 4xx: try later). Not a server that could not be reached:
    that says nothing about the address. Written only; the ReminderLog row, marked sent on success, is still what
    makes a stage sent."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="+")
    # PROTECT, as ReminderLog: a reminder the mail server refused is part of what was done to tell people.
    requirement = models.ForeignKey(Requirement, null=True, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=10)
    due_on = models.DateField()
    recipient = models.EmailField()
    error = models.CharField(max_length=255, help_text="What the mail server answered.")
    # Rows from before this field were written for 5xx answers only, so the default is theirs.
    for_good = models.BooleanField(
        default=True, help_text="Refused for good (a 5xx answer); else for now (a 4xx: a full mailbox, try later)."
    )
    refused_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-refused_at"]
        indexes = [models.Index(fields=["staff", "requirement", "due_on"], name="refusal_staff_requirement_due")]

    def __str__(self):
        return f"{self.stage} to {self.recipient} refused{'' if self.for_good else ' for now'}"
