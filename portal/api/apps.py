from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "portal.api"
    label = "api"
    verbose_name = "API for HR systems"

    def ready(self):
        from portal.compliance.imports.senders import client_check_register

        from .queued import client_batch_refusal

        client_check_register(client_batch_refusal)
