"""Form fields shared by the portal's pages, shaped for the NHS.UK frontend's patterns."""

import datetime

from django import forms

PARTS = ("day", "month", "year")


class DayMonthYearWidget(forms.MultiWidget):
    """NHS.UK date input: three boxes for day, month and year (names `<name>_day`, `<name>_month`, `<name>_year`).
    templates/includes/date_field.html draws it."""

    def __init__(self, attrs=None):
        boxes = {part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in PARTS}
        super().__init__(boxes, attrs)

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
    "<label> must include a month", "<label> must be a real date". `error_messages["incomplete"]` and `["invalid"]`
    may be set with `{label}` and `{missing}` in them."""

    widget = DayMonthYearWidget
    default_error_messages = {
        "required": "Enter {label}",
        "incomplete": "{label} must include a {missing}",
        "invalid": "{label} must be a real date",
        "year": "{label} must have a year with 4 numbers, for example 2026",
    }

    def __init__(self, *, label_in_errors: str, **kwargs):
        super().__init__(**kwargs)
        self.error_messages = {
            key: message.format(label=label_in_errors, missing="{missing}")
            for key, message in self.error_messages.items()
        }
        self.error_messages = {key: message[:1].upper() + message[1:] for key, message in self.error_messages.items()}

    def to_python(self, value):
        if not isinstance(value, (list, tuple)):
            return super().to_python(value)
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
        if len(year) != 4:
            raise forms.ValidationError(self.error_messages["year"], code="year")
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
