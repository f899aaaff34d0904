"""HR's forms for requirements: what, for whom, how often, from when, levels, and retiring."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from wagtail.models import Page

from portal.lib.forms import RecordedReasonField
from portal.lib.text import hidden_character
from portal.people.models import StaffMember, Team

from .models import JOB_TITLE_PATTERN_MAX_LENGTH, Requirement, job_title_regex
from .projection import audience_ids
from .requirement_reads import saved_as

ID = re.compile("[0-9]{1,18}")
# The content types a requirement may point at, named by label: compliance sits below `modules` and imports none
# of its classes.
PAGE_MODELS = {Requirement.ATTEST_POLICY: "policypage", Requirement.COMPLETE_MODULE: "modulepage"}


class LinesField(forms.CharField):
    """A text box holding one value a line, cleaned to a list (blank lines and spaces at either end dropped)."""

    def __init__(self, *, item_max_length: int, item_label: str, **kwargs):
        self.item_max_length, self.item_label = item_max_length, item_label
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.error_messages["null_characters_not_allowed"] = (
            f"The {item_label}s contain the control character U+0000. Type them again without it"
        )

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        lines = [line.strip() for line in (super().to_python(value) or "").splitlines()]
        return [line for line in lines if line]

    def validate(self, value):
        super().validate(value)
        for line in value:
            if len(line) > self.item_max_length:
                raise ValidationError(f"Each {self.item_label} must be {self.item_max_length} characters or fewer")
            problem = hidden_character(line)
            if problem:
                raise ValidationError(f"The {self.item_label} “{line}” contains {problem}. Type it again without it")


class DaysField(forms.CharField):
    """Whole numbers of days separated by commas ("60, 30, 14"), cleaned to a list; the model checks their range."""

    def prepare_value(self, value):
        return ", ".join(str(day) for day in value) if isinstance(value, list) else value

    def to_python(self, value):
        text = (super().to_python(value) or "").replace(" ", "")
        try:
            return [int(day) for day in text.split(",") if day]
        except ValueError:
            raise ValidationError(
                "Enter the days as whole numbers separated by commas, for example 60, 30, 14"
            ) from None


def _ids_or_invalid(field, values) -> None:
    """A record's id is 1 to 18 digits (as `<id:...>` in URLs): SQLite cannot even look up a bigger number."""
    for value in values:
        if value not in field.empty_values and not ID.fullmatch(str(value)):
            raise ValidationError(
                field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )


class IsoDateField(forms.DateField):
    """A date typed as year-month-day, shown the same way: the page's text box shows the value as it is, so a date
    shown in the locale's words ("3 Dec. 2026") would be refused when the form came back unchanged."""

    def prepare_value(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else value


class PageChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        _ids_or_invalid(self, [value])
        return super().to_python(value)

    def label_from_instance(self, page):
        kind = "policy" if page.content_type.model == PAGE_MODELS[Requirement.ATTEST_POLICY] else "module"
        return f"{page.title} ({kind})"


class TeamsField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        _ids_or_invalid(self, value if isinstance(value, list | tuple) else [])
        return super().clean(value)

    def label_from_instance(self, team):
        return f"{'— ' * (team.depth - 1)}{team.name}"


def staff_groups_on_roster(entered: list[str]) -> list[str]:
    """`entered` in the roster's own spelling, or a ValidationError naming each staff group no one on the roster holds
    and listing those it does (one query). A requirement matches staff groups exactly (`Requirement.applies_to`), so a
    mistyped one would apply to no one without a word; a difference of capitals only is put right instead. The roster
    is the people who have not left, whom `projection.audience_ids` counts."""
    if not entered:
        return entered
    held = list(
        StaffMember.objects.current()
        .exclude(staff_group="")
        .order_by("staff_group")
        .values_list("staff_group", flat=True)
        .distinct()
    )
    spellings = {}
    for group in held:
        spellings.setdefault(group.casefold(), []).append(group)
    unknown = [group for group in entered if group.casefold() not in spellings]
    if unknown:
        named = ", ".join(f"“{group}”" for group in unknown)
        if not held:
            raise ValidationError(
                f"No one on the roster has a staff group yet, so {named} would apply to no one. Import the roster "
                "first, or choose teams or job titles"
            )
        which = "staff group" if len(unknown) == 1 else "staff groups"
        raise ValidationError(
            f"No one on the roster has the {which} {named}. The staff groups on the roster are: {', '.join(held)}"
        )
    # Every spelling the roster holds of each one entered (ESR exports agree on one, but a hand-made roster may not).
    normalised = [spelling for group in entered for spelling in spellings[group.casefold()]]
    return list(dict.fromkeys(normalised))


def audience_warnings(requirement: Requirement) -> list[str]:
    """A warning for each job title pattern of `requirement` that no one on the roster matches, as
    `projection.audience_ids` matches them (one query). Unlike a staff group, a pattern may be meant for a post not yet
    filled, so it is saved all the same."""
    patterns = requirement.job_title_patterns
    if requirement.applies_to_everyone or not patterns:
        return []
    counts = StaffMember.objects.current().aggregate(
        **{f"pattern_{n}": Count("pk", filter=Q(job_title__iregex=job_title_regex(p))) for n, p in enumerate(patterns)}
    )
    return [
        f"No one on the roster has a job title matching “{pattern}” yet."
        for n, pattern in enumerate(patterns)
        if not counts[f"pattern_{n}"]
    ]


def audience_saved(requirement: Requirement) -> str:
    """What to tell whoever saved `requirement`: how many people it applies to now, counted as the status table's rows
    are (`projection.audience_ids`), so a requirement that reaches no one is seen at once."""
    if not requirement.active:
        return f"{requirement.name} is saved. It is retired, so it applies to no one until it is put back in use."
    count = len(audience_ids(requirement))
    if not count and requirement.applies_to_everyone:
        return f"{requirement.name} is saved. It applies to everyone, and no one is on the roster yet."
    if not count:
        return (
            f"{requirement.name} is saved. It applies to no one on the roster now: check the staff groups, teams and "
            "job titles it names."
        )
    people = "1 person" if count == 1 else f"{count:,} people"
    return f"{requirement.name} is saved. It applies to {people} on the roster, whose status is updated."


class SavedAsField(forms.CharField):
    """A hidden field of a requirement's edit page, at either door (HR's page, the CMS): the requirement as saved
    when the page was opened (`requirement_reads.saved_as`), for `requirement_save` to refuse a save from a page
    opened before another. Empty from a page served before it was there: that save goes through as asked."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)
        # Compared, never stored: any value the page was not given (a NUL, say) is refused by `requirement_save` with
        # the reason. A field error would go unshown, the field being hidden: a 400 saying nothing.
        self.validators = []


def saved_as_opened(form) -> None:
    """Put the requirement as saved now in the edit page's `SavedAsField` (a query), when the page is shown."""
    if form.instance.pk is not None and not form.is_bound:
        form.initial["saved_as"] = saved_as(form.instance)


def opened_as(form) -> str | None:
    """What the edit page sent of the requirement as it was opened (`SavedAsField`), for `requirement_save`."""
    return form.cleaned_data.get("saved_as") or None


class RequirementForm(forms.ModelForm):
    EVERYONE, CHOSEN = "everyone", "chosen"

    audience = forms.ChoiceField(
        label="Who must do it",
        choices=[(EVERYONE, "Everyone"), (CHOSEN, "Only the staff groups, teams and job titles chosen below")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who must do it", "invalid_choice": "Choose who must do it"},
    )
    page = PageChoiceField(
        queryset=Page.objects.none(),
        required=False,
        label="Policy or module",
        help_text="The policy to attest to, or the module to complete. Published pages only.",
        empty_label="None (an external course)",
        error_messages={"invalid_choice": "Choose a published policy or module from the list"},
    )
    staff_groups = LinesField(
        label="Staff groups",
        help_text="One a line, as the roster names them, for example Nursing and Midwifery Registered. Capital "
        "letters do not matter.",
        item_max_length=StaffMember._meta.get_field("staff_group").max_length,
        item_label="staff group",
    )
    teams = TeamsField(
        queryset=Team.objects.order_by("path"),
        required=False,
        label="Teams",
        help_text="The teams chosen and every team below them.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose teams from the list",
            "invalid_pk_value": "Choose teams from the list",
        },
    )
    job_title_patterns = LinesField(
        label="Job titles",
        help_text="One a line. A * stands for any words: Nurse* is every title starting with Nurse, *Nurse* every "
        "title containing it. Capital letters do not matter.",
        item_max_length=JOB_TITLE_PATTERN_MAX_LENGTH,
        item_label="job title",
    )
    reminder_days = DaysField(
        label="Reminders before the due date",
        help_text="Days before the due date to remind the person, separated by commas, for example 60, 30, 14. Each "
        "is sent once. Leave empty for the portal's usual reminder.",
        required=False,
        max_length=60,
        error_messages={
            "max_length": "Give at most 10 reminders",
            "null_characters_not_allowed": "The reminders contain the control character U+0000. Type them again "
            "without it",
        },
    )
    saved_as = SavedAsField()
    introduced_on = IsoDateField(
        label="Introduced on",
        help_text="The day it starts to apply, for example 2026-04-01. People already in post then have the "
        "new-starter window from this day. It cannot be in the future.",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": "Enter the day it was introduced",
            "invalid": "Enter the day it was introduced as year-month-day, for example 2026-04-01",
        },
    )

    class Meta:
        model = Requirement
        fields = [
            "name",
            "kind",
            "page",
            "renewal_months",
            "new_starter_days",
            "introduced_on",
            "reminder_days",
            "staff_groups",
            "teams",
            "job_title_patterns",
            "level_family",
            "level",
        ]
        widgets = {"kind": forms.RadioSelect}
        labels = {
            "name": "Name",
            "kind": "What people must do",
            "renewal_months": "Renewal period in months",
            "new_starter_days": "New-starter window in days",
            "level_family": "Level family",
            "level": "Level",
        }
        help_texts = {
            "name": "As staff will see it, for example Safeguarding Adults Level 2.",
            "renewal_months": "How long a completion stays valid. Leave empty if it never expires.",
            "new_starter_days": "Days a new starter has to complete it.",
            "level_family": "For training in levels, the name of the family, for example Safeguarding Adults: a "
            "higher level completed satisfies the lower ones. Leave empty otherwise.",
            "level": "Its level in the family, for example 2.",
        }
        error_messages = {
            "name": {
                "required": "Enter the name of the requirement",
                "max_length": "The name must be 200 characters or fewer",
                "unique": "There is already a requirement with this name",
            },
            "kind": {"required": "Choose what people must do", "invalid_choice": "Choose what people must do"},
            "renewal_months": {
                "invalid": "Enter the renewal period as a whole number of months",
                "min_value": "The renewal period cannot be negative",
                "max_value": "The renewal period must be 32767 months or fewer",
            },
            "new_starter_days": {
                "required": "Enter the new-starter window in days",
                "invalid": "Enter the new-starter window as a whole number of days",
                "min_value": "The new-starter window cannot be negative",
                "max_value": "The new-starter window must be 32767 days or fewer",
            },
            "level_family": {"max_length": "The level family must be 200 characters or fewer"},
            "level": {
                "invalid": "Enter the level as a whole number",
                "min_value": "The level must be 1 or more",
                "max_value": "The level must be 32767 or less",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["page"].queryset = (
            Page.objects.live()
            .filter(content_type__app_label="modules", content_type__model__in=PAGE_MODELS.values())
            .select_related("content_type")
            .order_by("title")
        )
        if not self.is_bound:
            self.initial["audience"] = self.EVERYONE if self.instance.applies_to_everyone else self.CHOSEN
            if self.instance.pk is None:
                self.initial["introduced_on"] = timezone.localdate()
        saved_as_opened(self)
        for name in ("name", "level_family"):
            self.fields[name].error_messages["null_characters_not_allowed"] = (
                f"The {self.fields[name].label.lower()} contains the control character U+0000. Type it again without it"
            )

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) for the NHS.UK error summary: each error links to its field (a group of radios to its
        first radio, the teams to their fieldset)."""
        anchors = {"audience": "id_audience_0", "kind": "id_kind_0", "teams": "id_teams"}
        pairs = [("id_name", error) for error in self.non_field_errors()]
        for field in self.visible_fields():
            pairs += [(anchors.get(field.name, field.id_for_label), error) for error in field.errors]
        return pairs

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        problem = hidden_character(name)
        if problem:
            raise ValidationError(f"The name contains {problem}. Type it again without it")
        return name

    def clean_staff_groups(self):
        return staff_groups_on_roster(self.cleaned_data["staff_groups"])

    def clean_level_family(self):
        family = self.cleaned_data["level_family"].strip()
        problem = hidden_character(family)
        if problem:
            raise ValidationError(f"The level family contains {problem}. Type it again without it")
        return family

    def clean(self):
        cleaned = super().clean()
        everyone = cleaned.get("audience") == self.EVERYONE
        self.instance.applies_to_everyone = everyone
        if cleaned.get("audience") == self.CHOSEN and not (
            cleaned.get("staff_groups") or cleaned.get("teams") or cleaned.get("job_title_patterns")
        ):
            self.add_error("audience", "Choose at least one staff group, team or job title, or choose Everyone")
        return cleaned  # the page the kind needs is the model's to check (`Requirement.clean`), as for the CMS


class RetireForm(forms.Form):
    reason = RecordedReasonField(
        label="Why is it being retired?",
        help_text="For example, replaced by Safeguarding Adults Level 2. HR will see this reason in the list of "
        "requirements and in the audit log.",
        required_message="Give the reason for retiring the requirement",
    )
