"""Each daily reminder run's outcome, written by the run itself (`reminder_sending.reminders_send`), so that HR's pages
can say when reminders are not going out: the mail server could not be reached, or no run has finished for days
(`reminder_runs.reminder_run_warning`)."""

from django.db import models


class ReminderRun(models.Model):
    """One run of `reminders_send`: made as it starts, finished (its counts and `finished_at`) as it ends. A run that
    stopped part-way (the worker killed, an error) keeps `finished_at` empty. What the mail server said is the
    exception's class and message, which name no password."""

    day = models.DateField(help_text="The day it ran for (Europe/London).")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True, db_index=True)
    sent = models.PositiveIntegerField(default=0, help_text="Emails the mail server took.")
    not_sent = models.PositiveIntegerField(default=0, help_text="Emails that did not go, for the next run.")
    mail_down = models.PositiveIntegerField(
        default=0, help_text="Of those, the emails not sent because the mail server could not be reached."
    )
    error = models.CharField(max_length=255, blank=True, help_text="The mail server's last fault: class and message.")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Reminder run for {self.day}: {self.sent} sent, {self.not_sent} not sent"
