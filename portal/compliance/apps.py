import sys

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ComplianceConfig(AppConfig):
    name = "portal.compliance"
    label = "compliance"
    verbose_name = "Compliance"

    def ready(self):
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="compliance.status_history_fill")


def _after_migrate(sender, using, verbosity=1, **kwargs):
    from .upgrade import status_history_fill  # models are ready only once apps are

    status_history_fill(
        using=using, verbosity=verbosity, stdout=kwargs.get("stdout") or sys.stdout, plan=kwargs.get("plan")
    )
