"""Form fields shared by the portal's pages, shaped for the NHS.UK frontend's patterns."""

import datetime

from django import forms
from django.core.validators import MaxLengthValidator

PARTS = ("day", "month", "year")


class DayMonthYearWidget(forms.MultiWidget):
    """NHS.UK date input: three boxes for day, month and year (names `<name>_day`, `<name>_month`, `<name>_year`).
    templates/includes/date_field.html draws it.

    With `link_form=True` it also reads `<name>=YYYY-MM-DD` when the boxes are empty: the form links, bookmarks and
    the docs give the date in (a GET form's address). The boxes win when both are given."""

    def __init__(self, attrs=None, *, link_form: bool = False):
        self.link_form = link_form
        boxes = {part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in PARTS}
        super().__init__(boxes, attrs)

    def value_from_datadict(self, data, files, name):
        boxes = super().value_from_datadict(data, files, name)
        if self.link_form and not any(boxes) and data.get(name):
            return data.get(name)
        return boxes

    def decompress(self, value):
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def subwidgets(self, name, value, attrs=None):
        """One per box, so that a template can draw each (`{% for box in field.subwidgets %}`), with its label, its
        width in characters and an id named for the part (`id_<name>_day`)."""
        boxes = self.get_context(name, value, attrs)["widget"]["subwidgets"]
        for box, part in zip(boxes, PARTS, strict=True):
            if box["attrs"].get("id"):
                box["attrs"]["id"] = f"{attrs['id']}_{part}"
            yield {**box, "label": part.capitalize(), "width": 4 if part == "year" else 2}

    def id_for_label(self, id_):
        return f"{id_}_day" if id_ else ""  # the error summary links to the day box, as NHS.UK asks


class DayMonthYearField(forms.DateField):
    """A date typed as day, month and year. Errors name what is missing or wrong, in the NHS.UK pattern's words:
    "<label> must include a month", "<label> must have a day from 1 to 31", "<label> must be a real date".
    `error_messages["incomplete"]` and `["invalid"]` may be set with `{label}` and `{missing}` in them.

    `link_form=True` also takes the date as `YYYY-MM-DD` in the field's own name (DayMonthYearWidget), and names
    anything else given there with `error_messages["link"]`."""

    widget = DayMonthYearWidget
    default_error_messages = {
        "required": "Enter {label}",
        "incomplete": "{label} must include a {missing}",
        "day": "{label} must have a day from 1 to 31",
        "month": "{label} must have a month from 1 to 12",
        "invalid": "{label} must be a real date",
        "year": "{label} must have a year with 4 numbers, for example 2026",
        "link": "{label} in the web address must be year-month-day, for example 2026-03-31",
    }

    def __init__(self, *, label_in_errors: str, link_form: bool = False, **kwargs):
        kwargs.setdefault("widget", DayMonthYearWidget(link_form=link_form))
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(**kwargs)
        self.error_messages = {
            key: message.format(label=label_in_errors, missing="{missing}")
            for key, message in self.error_messages.items()
        }
        self.error_messages = {key: message[:1].upper() + message[1:] for key, message in self.error_messages.items()}

    def to_python(self, value):
        if not isinstance(value, (list, tuple)):
            try:
                return super().to_python(value)
            except forms.ValidationError:
                raise forms.ValidationError(self.error_messages["link"], code="link") from None
        day, month, year = (str(part or "").strip() for part in value)
        given = {"day": day, "month": month, "year": year}
        if not any(given.values()):
            return None
        missing = [part for part in PARTS if not given[part]]
        if missing:
            raise forms.ValidationError(
                self.error_messages["incomplete"].format(missing=" and a ".join(missing)), code="incomplete"
            )
        if not all(part.isascii() and part.isdigit() for part in given.values()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if len(day) > 2 or not 1 <= int(day) <= 31:
            raise forms.ValidationError(self.error_messages["day"], code="day")
        if len(month) > 2 or not 1 <= int(month) <= 12:
            raise forms.ValidationError(self.error_messages["month"], code="month")
        if len(year) != 4:
            raise forms.ValidationError(self.error_messages["year"], code="year")
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


REASON_MAX_LENGTH = 1000


def typed_length(text: str) -> int:
    """The length of a text box's value as its maxlength counted it while it was typed: a form sends each line break
    as CR LF, which the box counted as one character."""
    return len(text.replace("\r\n", "\n"))


class TypedLengthValidator(MaxLengthValidator):
    """max_length for a text box, counted as its maxlength counts (`typed_length`): else a reason typed to the box's
    end, over several lines, is refused after the post, with what was typed lost."""

    def clean(self, x):
        return typed_length(x)


class RecordedReasonField(forms.CharField):
    """The reason HR gives for a change that stays on the record (retiring a requirement, withdrawing a round,
    voiding an entry): a text area, required, at most `REASON_MAX_LENGTH` characters, trimmed, and refused with the
    character named if it holds one a reader would not see (`text.hidden_character`; line breaks are allowed)."""

    def __init__(self, *, label: str, help_text: str, required_message: str, **kwargs):
        super().__init__(
            label=label,
            help_text=help_text,
            max_length=REASON_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 4}),
            error_messages={
                "required": required_message,
                "max_length": f"The reason must be {REASON_MAX_LENGTH} characters or fewer",
                "null_characters_not_allowed": "The reason contains the control character U+0000. Type it again "
                "without it",
            },
            **kwargs,
        )
        self.validators = [
            TypedLengthValidator(v.limit_value) if type(v) is MaxLengthValidator else v for v in self.validators
        ]

    def clean(self, value):
        from django.core.exceptions import ValidationError

        from .text import hidden_character

        reason = super().clean(value)
        problem = hidden_character(reason, line_breaks=True)
        if problem:
            raise ValidationError(f"The reason contains {problem}. Type it again without it")
        return reason


class NamedRequiredMessages:
    """For a form whose fields are made by someone else (allauth's): each box left empty says what to put in it
    (`required_messages`, field name to message), as the portal's own fields do, not "This field is required.", which
    names no box and reads the same several times over in an error summary."""

    required_messages: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in self.required_messages.items():
            if name in self.fields:  # each form has its own copy of its fields' messages
                self.fields[name].error_messages["required"] = message
