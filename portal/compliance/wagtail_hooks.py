from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.views.generic import CopyViewMixin
from wagtail.log_actions import log
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, DeleteView, EditView, SnippetViewSet

from portal.lib.text import hidden_character

from .forms_requirements import (
    SavedAsField,
    audience_saved,
    audience_warnings,
    opened_as,
    saved_as_opened,
    staff_groups_on_roster,
)
from .mappings import (
    competence_mapping_delete,
    competence_mapping_save,
    competence_mapping_twin,
    mappings_lock,
    twin_error,
)
from .models import Certificate, CompetenceMapping, EvidenceEntry, ReminderLog, ReminderRefusal, Requirement
from .services import RequirementError, requirement_delete, requirement_delete_refusal, requirement_save


class RequirementSaveMixin:
    """Adding or editing a requirement goes through `requirement_save`, so the status table and the audit log follow
    it, and what it refuses (another policy or module for a requirement with evidence) is shown on the form, as a
    field's own mistake is, with nothing saved (Wagtail saves in a transaction, which the refusal undoes). Wagtail's
    own history of the snippet is kept as well."""

    log_action = None

    def save_instance(self):
        requirement, teams = self.form.save(commit=False), self.form.cleaned_data["teams"]
        requirement_save(requirement=requirement, teams=teams, user=self.request.user, opened_as=opened_as(self.form))
        log(instance=requirement, action=self.log_action, user=self.request.user, content_changed=True)
        return requirement

    def get_success_message(self, instance=None):  # Wagtail's add view passes the requirement, its edit view not
        return audience_saved(instance or self.object)

    def form_valid(self, form):
        try:
            response = super().form_valid(form)
        except ValidationError as refusal:
            for field, problems in refusal.update_error_dict({}).items():
                form.add_error(field if field in form.fields else None, problems)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        for warning in audience_warnings(self.object):
            messages.warning(self.request, warning)
        return response


class RequirementCreateView(RequirementSaveMixin, CreateView):
    log_action = "wagtail.create"


class RequirementCopyView(CopyViewMixin, RequirementCreateView):
    """The copy page only shows the form, filled in; it is sent to the add page. A form sent back to the copy page
    itself would be saved over the requirement being copied, by someone who may only add."""

    http_method_names = ["get", "head", "options"]


class RequirementEditView(RequirementSaveMixin, EditView):
    log_action = "wagtail.edit"


class RequirementDeleteView(DeleteView):
    """Deleting goes through `requirement_delete`, which refuses a requirement that is part of the record. The page
    that asks for confirmation gives the refusal at once instead, so nobody confirms a delete that will be refused."""

    def get(self, request, *args, **kwargs):
        if refusal := requirement_delete_refusal(self.object):
            messages.error(request, refusal)
            return redirect(self.edit_url_name, quote(self.object.pk))
        return super().get(request, *args, **kwargs)

    def delete_action(self):
        with transaction.atomic():
            log(instance=self.object, action="wagtail.delete", user=self.request.user, deleted=True)
            requirement_delete(requirement=self.object, user=self.request.user)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except RequirementError as error:
            messages.error(self.request, str(error))
            return redirect(self.edit_url_name, quote(self.object.pk))


class RequirementAdminForm(WagtailAdminModelForm):
    """The CMS's requirement form checks the staff groups against the roster as HR's page does
    (`forms_requirements.staff_groups_on_roster`). Staff groups that are not a list of names are the model's to refuse
    (`Requirement.clean`). It carries the requirement as saved when the page was opened, as HR's page does, so that
    neither door's page opened before the other's save undoes it (`SavedAsField`)."""

    saved_as = SavedAsField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        saved_as_opened(self)

    def clean_staff_groups(self):
        groups = self.cleaned_data["staff_groups"]
        if isinstance(groups, list) and all(isinstance(group, str) for group in groups):
            return staff_groups_on_roster(groups)
        return groups


class RequirementViewSet(SnippetViewSet):
    """HR (and CMS editors they trust) manage requirements in the CMS: what, for whom, how often, from when."""

    model = Requirement
    icon = "list-ul"
    menu_label = "Requirements"
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["name", "kind", "renewal_months", "new_starter_days", "introduced_on", "active"]
    list_filter = ["kind", "active"]
    add_view_class = RequirementCreateView
    copy_view_class = RequirementCopyView
    edit_view_class = RequirementEditView
    delete_view_class = RequirementDeleteView
    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("page"),
        MultiFieldPanel(
            [
                FieldPanel("applies_to_everyone"),
                FieldPanel("staff_groups"),
                FieldPanel("teams"),
                FieldPanel("job_title_patterns"),
            ],
            heading="Who",
        ),
        MultiFieldPanel(
            [
                FieldPanel("introduced_on"),
                FieldPanel("renewal_months"),
                FieldPanel("new_starter_days"),
                FieldPanel("reminder_days"),
            ],
            heading="From when, and how often",
        ),
        MultiFieldPanel([FieldPanel("level_family"), FieldPanel("level")], heading="Levels"),
        MultiFieldPanel([FieldPanel("active"), FieldPanel("retired_reason")], heading="In use"),
    ]
    edit_handler = ObjectList(panels, base_form_class=RequirementAdminForm)


@hooks.register("register_account_records")
def evidence_names_an_account():
    """Evidence and certificates hold the account that recorded, uploaded or reviewed them, and the account of the
    staff record they are for (`portal.accounts.deletion`)."""
    return [
        ("evidence it recorded", EvidenceEntry.objects.all(), "recorded_by"),
        ("evidence on its staff record", EvidenceEntry.objects.all(), "staff__user"),
        ("certificates it uploaded", Certificate.objects.all(), "uploaded_by"),
        ("certificates it reviewed", Certificate.objects.all(), "reviewed_by"),
    ]


@hooks.register("register_requirement_records")
def reminders_name_a_requirement():
    """A reminder sent, or refused by the mail server, is what was done to tell people (`requirement_reads`)."""
    return [
        ("reminders sent about it", ReminderLog.objects.all(), "requirement"),
        ("reminders the mail server refused", ReminderRefusal.objects.all(), "requirement"),
    ]


@hooks.register("before_bulk_action")
def requirements_deleted_one_at_a_time(request, action_type, objects, action_class_instance):
    """The listing's bulk delete would remove requirements round `requirement_delete` (no audit entry, and a crash
    on one with evidence): requirements are deleted one at a time, from their own page."""
    if action_type == "delete" and getattr(action_class_instance, "model", None) is Requirement:
        messages.error(request, "Delete requirements one at a time, from the requirement's own page.")
        return redirect(Requirement.snippet_viewset.get_url_name("list"))


@hooks.register("before_bulk_action")
def mappings_deleted_through_the_service(request, action_type, objects, action_class_instance):
    """The listing's bulk delete of course mappings deletes each through `competence_mapping_delete` (its audit
    line), in the bulk action's transaction, instead of Wagtail's plain delete of them all."""
    if action_type == "delete" and getattr(action_class_instance, "model", None) is CompetenceMapping:
        for mapping in objects:
            log(instance=mapping, action="wagtail.delete", user=request.user, deleted=True)
            competence_mapping_delete(mapping=mapping, user=request.user)
        messages.success(request, action_class_instance.get_success_message(len(objects), 0))
        return redirect(action_class_instance.next_url)


class CompetenceMappingForm(WagtailAdminModelForm):
    """A course mapping made in the CMS is saved by `competence_mapping_save`, with the checks HR's import page makes:
    it offers only the external courses still in use (as that page does), refuses a course name with a hidden
    character beside the field, and the service checks both again as it saves. An edit page opened before someone
    else saved the mapping (another tab, a colleague) is refused: it would put back the course it showed, and every
    later import record against it (`saved_as`, compared with the row `MappingEditView` holds). A form sent without
    it (a page opened before this check) is let through."""

    saved_as = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mapping = self.instance
        self.saved_as_now = f"{mapping.competence_name}|{mapping.requirement_id}" if mapping.pk else ""
        self.fields["saved_as"].initial = self.saved_as_now
        courses = Requirement.objects.filter(active=True, kind=Requirement.EXTERNAL_COURSE).order_by("name")
        self.fields["requirement"].queryset = courses
        self.fields["requirement"].error_messages["invalid_choice"] = "Choose an external course still in use"

    def clean_competence_name(self):
        name = self.cleaned_data["competence_name"]
        problem = hidden_character(name)
        if problem:
            raise ValidationError(f"The course name contains {problem}")
        twin = competence_mapping_twin(name, exclude_pk=self.instance.pk)
        if twin is not None:
            raise ValidationError(twin_error(twin))
        return name

    def clean(self):
        cleaned = super().clean()
        sent = self.data.get(self.add_prefix("saved_as"))
        if self.instance.pk and sent is not None and sent != self.saved_as_now:
            self.add_error(
                None,
                "Someone saved this course mapping after you opened this page, so saving it would undo their change. "
                "Nothing was saved: open the course mapping again to see what they changed, then make your change.",
            )
        return cleaned

    def save(self, commit=True):
        mapping = self.instance
        # The mapping saved is the form's from here: the add view shows and links to the form's instance.
        self.instance = competence_mapping_save(
            competence=mapping.competence_name,
            requirement=mapping.requirement,
            user=self.for_user,
            mapping=mapping if mapping.pk is not None else None,
        )
        return self.instance


class MappingEditView(EditView):
    """A save holds the mapping's row from reading it to writing it, so that the form's check that the page was
    opened from the saved mapping (`CompetenceMappingForm`) still holds when it writes."""

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            mappings_lock()  # first, as every door that changes a mapping takes it
            self.object = CompetenceMapping.objects.select_for_update().get(pk=self.object.pk)
            return super().post(request, *args, **kwargs)


class MappingDeleteView(DeleteView):
    """Deleting goes through `competence_mapping_delete`, which writes the audit line with it."""

    def delete_action(self):
        with transaction.atomic():
            log(instance=self.object, action="wagtail.delete", user=self.request.user, deleted=True)
            competence_mapping_delete(mapping=self.object, user=self.request.user)


class CompetenceMappingViewSet(SnippetViewSet):
    model = CompetenceMapping
    edit_view_class = MappingEditView
    delete_view_class = MappingDeleteView
    icon = "link"
    menu_label = "Course mappings"
    add_to_settings_menu = True  # where the completions import's messages send HR: "Settings > Course mappings"
    list_display = ["competence_name", "requirement"]
    # A course name is mapped once, so a copy could only be a rename, and Wagtail's copy page would save a form sent
    # back to it over the mapping being copied: there is none.
    copy_view_enabled = False
    # Who made it is the service's to record.
    edit_handler = ObjectList(
        [FieldPanel("competence_name"), FieldPanel("requirement")], base_form_class=CompetenceMappingForm
    )


register_snippet(RequirementViewSet)
register_snippet(CompetenceMappingViewSet)
