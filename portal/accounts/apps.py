from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import (
            checks,  # noqa: F401 - registers the deploy check that the cache can be reached
            cms_role_proof,  # noqa: F401 - registers the CMS's role changes' "confirm it is you" (Wagtail hooks)
            receivers,  # noqa: F401 - connects the security event receivers
        )
