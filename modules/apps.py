from django.apps import AppConfig


class ModulesConfig(AppConfig):
    name = "modules"
    verbose_name = "Policies and modules"

    def ready(self):
        from wagtail.signals import page_published

        from portal.reports.learning import learning_progress_reader_register

        from .progress import module_progress_by_page_for_user
        from .publishing import on_page_published

        page_published.connect(on_page_published, dispatch_uid="modules.on_page_published")
        # My training (reports) shows a module's progress as the module's page does, read from the same place.
        learning_progress_reader_register(module_progress_by_page_for_user)
