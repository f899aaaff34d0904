from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Who looked at or took away whose records, and the security events around them (signing in, second factors,
    role changes, imports): who, what, when. Written by the views and signal receivers; read by HR. Rows are only
    ever added."""

    EXPORT, VIEW_PERSON, VIEW_TEAM, REMIND = "export", "view_person", "view_team", "remind"
    SIGN_IN, SIGN_IN_FAILED, SIGN_OUT = "sign_in", "sign_in_failed", "sign_out"
    MFA_ADDED, MFA_REMOVED, ROLE_CHANGED, IMPORT = "mfa_added", "mfa_removed", "role_changed", "import"
    VIEW_CERTIFICATE, REFUSED, REQUIREMENT_CHANGED = "view_certificate", "refused", "requirement_changed"
    EVIDENCE_VOIDED, TEAM_CHANGED, MANAGER_CHANGED = "evidence_voided", "team_changed", "manager_changed"
    PAUSE_CHANGED, STATUS_REBUILT, POLICY_PUBLISHED = "pause_changed", "status_rebuilt", "policy_published"
    SSO_LINKED, ROUND_WITHDRAWN, ACCOUNT_CHANGED = "sso_linked", "round_withdrawn", "account_changed"
    PAGE_PASSWORD = "page_password"  # noqa: S105 (the name of an audit action, not a password)
    CERTIFICATE_DECIDED, MAPPING_CHANGED = "certificate_decided", "mapping_changed"
    ACTION_CHOICES = [
        (EXPORT, "Exported records"),
        (VIEW_PERSON, "Viewed a person's records"),
        (VIEW_TEAM, "Viewed a team's records"),
        (REMIND, "Sent a reminder"),
        (SIGN_IN, "Signed in"),
        (SIGN_IN_FAILED, "Failed to sign in"),
        (SIGN_OUT, "Signed out"),
        (MFA_ADDED, "Added a second factor"),
        (MFA_REMOVED, "Removed a second factor"),
        (ROLE_CHANGED, "Role changed"),
        (IMPORT, "Imported a file"),
        (VIEW_CERTIFICATE, "Viewed a person's certificate"),
        (REFUSED, "Was refused someone else's record"),
        (REQUIREMENT_CHANGED, "Added, changed or removed a requirement"),
        (EVIDENCE_VOIDED, "Voided a piece of evidence"),
        (TEAM_CHANGED, "Added, renamed, moved or closed a team"),
        (MANAGER_CHANGED, "Made someone a team's manager, or ended it"),
        (PAUSE_CHANGED, "Paused someone's requirements, or ended a pause"),
        (STATUS_REBUILT, "Rebuilt everyone's status from the ledger"),
        (POLICY_PUBLISHED, "Published a policy version"),
        (SSO_LINKED, "Linked or unlinked a single sign-on account"),
        (ROUND_WITHDRAWN, "Withdrew a re-attestation round opened in error"),
        (ACCOUNT_CHANGED, "Changed an account's name or password"),
        (PAGE_PASSWORD, "Gave a page's password"),
        (CERTIFICATE_DECIDED, "Verified or rejected a certificate"),
        (MAPPING_CHANGED, "Changed a course mapping"),
    ]

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=255, help_text="Kept as it was, should the account later be removed.")
    action = models.CharField(max_length=20, choices=ACTION_CHOICES, db_index=True)
    scope = models.CharField(max_length=300, help_text="What was seen or exported, in words: a team, a person.")
    as_at = models.DateField(null=True, blank=True, help_text="The date the records were asked for, if not today.")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.actor_name}: {self.get_action_display()} ({self.scope})"
