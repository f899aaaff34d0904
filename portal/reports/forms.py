import datetime

from django import forms
from django.utils import timezone

from portal.compliance.dates import end_of_local_day
from portal.compliance.models import Requirement
from portal.compliance.requirement_history import (
    requirements_as_at,
    requirements_in_force_between,
    requirements_in_force_on,
    with_history_marks,
)
from portal.lib.forms import DayMonthYearField
from portal.people.models import StaffMember, Team

from . import basis
from .team import STATE_CHOICES
from .trend import month_ends

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


def requirement_field() -> forms.ModelChoiceField:
    """Any requirement, retired ones too (a report about a past day may ask for one in force then); read with what
    tells `in_force_problem` whether its terms changed since, so checking it costs no query when they did not."""
    return forms.ModelChoiceField(
        queryset=with_history_marks(Requirement.objects.all()),
        required=False,
        empty_label="All requirements",
        error_messages={"invalid_choice": "Choose a requirement from the list"},
    )


def cutoff_for(as_at: datetime.date, clock: str) -> datetime.datetime | None:
    """The cut-off a report about `as_at` on `clock` reads requirements' terms by: none (everything known now) as it
    was, the end of the day as recorded then."""
    return None if clock == basis.AS_IT_WAS else end_of_local_day(as_at)


def in_force_problem(requirement: Requirement, as_at: datetime.date | None, clock: str) -> str:
    """What is wrong with asking for `requirement` about `as_at` (None: today) on `clock`, or "": it must be in force
    that day by its terms then (`requirement_history`). No query unless its terms changed after the day."""
    if as_at is None:
        if requirement.in_force_on(timezone.localdate()):
            return ""
        return f"“{requirement.name}” is not in use today. Choose another requirement, or a day when it was in force"
    then = requirements_as_at([requirement], as_at, cutoff_for(as_at, clock))
    if then and then[0].in_force_on(as_at):
        return ""
    return (
        f"“{requirement.name}” was not in force on {as_at:%-d %B %Y}. Choose another requirement, or a day when it "
        "was in force"
    )


def _check_requirement(form: forms.Form) -> None:
    """The requirement asked for must be in force on the day asked for, on the clock asked for (each already valid)."""
    data = form.cleaned_data
    requirement = data.get("requirement")
    if requirement is not None and "as_at" in data and "basis" in data:
        problem = in_force_problem(requirement, data["as_at"], data["basis"])
        if problem:
            form.add_error("requirement", problem)


class OrganisationReportForm(forms.Form):
    """The filters of HR's organisation report. Every value arrives in the query string, so each is checked."""

    team = forms.ModelChoiceField(
        queryset=Team.objects.all(), required=False, error_messages={"invalid_choice": "There is no such team"}
    )
    requirement = requirement_field()
    staff_group = StaffGroupField()
    as_at = AsAtField()
    basis = BasisField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_group"].choices = staff_group_choices()  # read once: the page lists them too
        self.requirement_options = [("", "All requirements")]  # filled in by `clean`, for the day asked for

    def clean(self):
        """The requirements to choose from are those the report lists for the day and clock asked for (today's in
        use when the day is not given or not valid), with their names then; one chosen must be one of them."""
        data = super().clean()
        as_at, clock = data.get("as_at"), data.get("basis", basis.DEFAULT)
        if as_at is None:
            listed = Requirement.objects.filter(active=True).order_by("name").values_list("pk", "name")
        else:
            listed = [(r.pk, r.name) for r in requirements_in_force_on(as_at, cutoff=cutoff_for(as_at, clock))]
        self.requirement_options = [("", "All requirements"), *listed]
        _check_requirement(self)
        return data


class AsAtForm(forms.Form):
    as_at = AsAtField()


class AsAtBasisForm(AsAtForm):
    """A past day and the clock to read it on (`reports.basis`): the team page, a person's page, exports and packs."""

    basis = BasisField()


class ExportForm(AsAtBasisForm):
    """An export's or a pack's day and clock, and the filters of the page it was asked from: the organisation
    report's requirement and staff group, the team page's requirement. Each is checked as the page checks it, so a
    value that is not one is named and nothing is made, never a file holding everyone."""

    requirement = requirement_field()
    staff_group = StaffGroupField()

    def clean(self):
        data = super().clean()
        _check_requirement(self)
        return data

    def filters(self) -> dict:
        """The filters asked for, as `exports.Filters` takes them."""
        return {"requirement": self.cleaned_data["requirement"], "staff_group": self.cleaned_data["staff_group"]}


class TeamFilterForm(AsAtBasisForm):
    """The team page's filters besides the team: one requirement, people with something in one state."""

    requirement = requirement_field()
    state = forms.ChoiceField(
        required=False,
        choices=[("", "Any"), *STATE_CHOICES],
        error_messages={"invalid_choice": "Choose a status from the list"},
    )

    def clean(self):
        data = super().clean()
        _check_requirement(self)
        return data


class TrendForm(forms.Form):
    """The trend's filters: a requirement in force at some point from its first month end to today (one retired
    within them too: the months it was in force are shown), and the clock past months are read on."""

    requirement = requirement_field()
    basis = BasisField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.first = month_ends(timezone.localdate())[0]
        listed = requirements_in_force_between(self.first, timezone.localdate())
        self.requirement_options = [("", "All requirements"), *((r.pk, r.name) for r in listed)]

    def clean_requirement(self):
        requirement = self.cleaned_data["requirement"]
        if requirement is not None and requirement.pk not in {pk for pk, _ in self.requirement_options[1:]}:
            raise forms.ValidationError(
                f"“{requirement.name}” was not in force at any time from {self.first:%-d %B %Y} to today. Choose "
                "another requirement"
            )
        return requirement
