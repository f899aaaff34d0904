from django.apps import AppConfig


class ModulesConfig(AppConfig):
    name = "modules"
    verbose_name = "Policies and modules"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import page_published, page_unpublished

        from portal.reports.learning import learning_progress_reader_register, module_list_reader_register

        from .models import ContentPage, ModuleIndexPage
        from .progress import module_progress_by_page_for_user
        from .publishing import on_page_published
        from .statutory_pages import statutory_pages_forget

        page_published.connect(on_page_published, dispatch_uid="modules.on_page_published")
        # The footer's links to the statutory pages follow the pages, however they change (modules.statutory_pages).
        for signal in (page_published, page_unpublished):
            signal.connect(statutory_pages_forget, dispatch_uid="modules.statutory_pages_forget")
        for signal in (post_save, post_delete):
            signal.connect(statutory_pages_forget, sender=ContentPage, dispatch_uid="modules.statutory_pages_forget")
        # My training (reports) shows a module's progress as the module's page does, read from the same place.
        learning_progress_reader_register(module_progress_by_page_for_user)
        # and links to the list of modules only when one is published (no link that leads back to My training).
        module_list_reader_register(ModuleIndexPage.the_list)
