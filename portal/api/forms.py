from django import forms

from portal.people.models import Team

from .clients import NAME_MAX, REASON_MAX
from .models import ApiClient

TEXT_ERRORS = {"null_characters_not_allowed": "Remove the control character U+0000 and type it again"}


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, team):
        return f"{'– ' * (team.depth - 1)}{team.name} ({team.code})"


def error_list(form) -> list[tuple[str, str]]:
    """(anchor, message) for the error summary: a group of checkboxes is reached through its first box."""
    anchors = {name: f"id_{name}_0" if name == "scopes" else f"id_{name}" for name in form.fields}
    return [(anchors.get(name, "id_name"), error) for name, errors in form.errors.items() for error in errors]


class ClientForm(forms.Form):
    name = forms.CharField(
        label="Name",
        help_text="The system that will call the API, as the audit log will name it: for example ESR nightly",
        max_length=NAME_MAX,
        error_messages={
            "required": "Enter a name for the client",
            "max_length": f"The name must be {NAME_MAX} characters or fewer",
            **TEXT_ERRORS,
        },
    )
    scopes = forms.MultipleChoiceField(
        label="What it may do",
        help_text="Choose only what the system needs",
        choices=ApiClient.SCOPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one thing the client may do",
            "invalid_choice": "Choose what the client may do from the list",
            **TEXT_ERRORS,
        },
    )
    team = TeamChoiceField(
        label="Whose records",
        help_text="The whole organisation, or one team and the teams below it",
        queryset=Team.objects.filter(closed_on__isnull=True).order_by("path"),
        required=False,
        empty_label="The whole organisation",
        error_messages={"invalid_choice": "Choose a team from the list", **TEXT_ERRORS},
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        help_text="Recorded in the audit log with your name",
        max_length=REASON_MAX,
        widget=forms.Textarea,
        error_messages={
            "required": "Give the reason for revoking the client",
            "max_length": f"The reason must be {REASON_MAX} characters or fewer",
            **TEXT_ERRORS,
        },
    )
