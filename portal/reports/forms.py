import datetime

from django import forms
from django.utils import timezone

from portal.compliance.models import Requirement
from portal.lib.forms import DayMonthYearField
from portal.people.models import StaffMember, Team

from . import basis
from .team import STATE_CHOICES

EARLIEST_AS_AT = datetime.date(2000, 1, 1)


class AsAtField(DayMonthYearField):
    """A day that has ended or is today, in London: typed in the NHS.UK date boxes (`as_at_day`, `as_at_month`,
    `as_at_year`), or given as `as_at=YYYY-MM-DD` by a link, a bookmark or the docs."""

    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            label="As at",
            label_in_errors="the date",
            link_form=True,
            help_text="Leave empty for today. For a past day, as it stood at the end of it. For example, 31 3 2026",
            **kwargs,
        )

    def clean(self, value):
        day = super().clean(value)
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError("The date must be today or in the past")
        if day is not None and day < EARLIEST_AS_AT:
            raise forms.ValidationError(f"The date must be on or after {EARLIEST_AS_AT:%-d %B %Y}")
        return day


class BasisField(forms.ChoiceField):
    """`basis=as_it_was|as_recorded`: the clock a report about a past day runs on (`reports.basis`); "as it was"
    when not given."""

    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            choices=basis.CHOICES,
            label="Show the figures",
            error_messages={"invalid_choice": "Choose “As it was” or “As recorded then”"},
            # The error summary links to the field's id: make it the first radio's (basis_radios.html).
            widget=forms.Select(attrs={"id": f"basis-{basis.CHOICES[0][0]}"}),
            **kwargs,
        )

    def clean(self, value):
        return super().clean(value) or basis.DEFAULT


def basis_options(form) -> list[dict]:
    """The radios' values, words, hints and which is chosen, for the template (the default when none is given, or
    one that is not a choice)."""
    chosen = form.data.get("basis") if form.data.get("basis") in basis.HINTS else basis.DEFAULT
    return [
        {"value": value, "label": label, "hint": basis.HINTS[value], "checked": value == chosen}
        for value, label in basis.CHOICES
    ]


def staff_group_choices() -> list[tuple[str, str]]:
    """The staff groups on the roster, for a filter: read only when a group is asked for (a callable's choices are
    read when the field checks a value, and it checks none when the filter is empty) or the list is shown."""
    groups = StaffMember.objects.exclude(staff_group="").order_by("staff_group").values_list("staff_group", flat=True)
    return [("", "All staff groups"), *((g, g) for g in groups.distinct())]


class StaffGroupField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            label="Staff group",
            choices=staff_group_choices,
            error_messages={"invalid_choice": "Choose a staff group from the list"},
            **kwargs,
        )


class OrganisationReportForm(forms.Form):
    """The filters of HR's organisation report. Every value arrives in the query string, so each is checked."""

    team = forms.ModelChoiceField(
        queryset=Team.objects.all(), required=False, error_messages={"invalid_choice": "There is no such team"}
    )
    requirement = forms.ModelChoiceField(
        queryset=Requirement.objects.filter(active=True),
        required=False,
        empty_label="All requirements",
        error_messages={"invalid_choice": "Choose a requirement from the list"},
    )
    staff_group = StaffGroupField()
    as_at = AsAtField()
    basis = BasisField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_group"].choices = staff_group_choices()  # read once: the page lists them too
        # For the template: the queryset itself would be counted and then read again.
        active = Requirement.objects.filter(active=True).order_by("name")
        self.requirement_options = [("", "All requirements"), *active.values_list("pk", "name")]


class AsAtForm(forms.Form):
    as_at = AsAtField()


class AsAtBasisForm(AsAtForm):
    """A past day and the clock to read it on (`reports.basis`): the team page, a person's page, exports and packs."""

    basis = BasisField()


class ExportForm(AsAtBasisForm):
    """An export's or a pack's day and clock, and the filters of the page it was asked from: the organisation
    report's requirement and staff group, the team page's requirement. Each is checked as the page checks it, so a
    value that is not one is named and nothing is made, never a file holding everyone."""

    requirement = forms.ModelChoiceField(
        queryset=Requirement.objects.all(),
        required=False,
        error_messages={"invalid_choice": "Choose a requirement from the list"},
    )
    staff_group = StaffGroupField()

    def filters(self) -> dict:
        """The filters asked for, as `exports.Filters` takes them."""
        return {"requirement": self.cleaned_data["requirement"], "staff_group": self.cleaned_data["staff_group"]}


class TeamFilterForm(AsAtBasisForm):
    """The team page's filters besides the team: one requirement, people with something in one state."""

    requirement = forms.ModelChoiceField(
        queryset=Requirement.objects.all(),
        required=False,
        error_messages={"invalid_choice": "Choose a requirement from the list"},
    )
    state = forms.ChoiceField(
        required=False,
        choices=[("", "Any"), *STATE_CHOICES],
        error_messages={"invalid_choice": "Choose a status from the list"},
    )


class TrendForm(forms.Form):
    requirement = forms.ModelChoiceField(
        queryset=Requirement.objects.filter(active=True),
        required=False,
        empty_label="All requirements",
        error_messages={"invalid_choice": "Choose a requirement from the list"},
    )
    basis = BasisField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active = Requirement.objects.filter(active=True).order_by("name")
        self.requirement_options = [("", "All requirements"), *active.values_list("pk", "name")]
