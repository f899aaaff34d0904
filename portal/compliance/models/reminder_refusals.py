"""Reminders the mail server refused for good (the mailbox is gone, the address wrong): a row each time, never
changed, so that the escalation goes ahead when the person cannot be told themselves (reminders.UNDELIVERABLE_AFTER)."""

from django.db import models

from portal.people.models import StaffMember

from .requirements import Requirement


class ReminderRefusal(models.Model):
    """A reminder the mail server refused permanently (a 5xx answer: SMTPRecipientsRefused, say), as the run tried
    it. Not a server that could not be reached: that says nothing about the address. Written only; the ReminderLog
    row, written on success, is still what makes a stage sent."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="+")
    # PROTECT, as ReminderLog: a reminder the mail server refused is part of what was done to tell people.
    requirement = models.ForeignKey(Requirement, null=True, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=10)
    due_on = models.DateField()
    recipient = models.EmailField()
    error = models.CharField(max_length=255, help_text="What the mail server answered.")
    refused_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-refused_at"]
        indexes = [models.Index(fields=["staff", "requirement", "due_on"], name="refusal_staff_requirement_due")]

    def __str__(self):
        return f"{self.stage} to {self.recipient} refused"
