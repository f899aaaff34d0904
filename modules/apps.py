from django.apps import AppConfig


class ModulesConfig(AppConfig):
    name = "modules"
    verbose_name = "Policies and modules"

    def ready(self):
        from wagtail.signals import page_published

        from .publishing import on_page_published

        page_published.connect(on_page_published, dispatch_uid="modules.on_page_published")
