from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from portal.compliance.pauses import note_without_reason

register = template.Library()

NO_ONE = mark_safe('<span class="nhsuk-body-s">No one</span>\n')
GREEN_PERCENT = '<strong class="nhsuk-tag nhsuk-tag--green">{}%</strong>'
RED_PERCENT = '<strong class="nhsuk-tag nhsuk-tag--red">{}% below</strong>'
PERCENT_OF = '<br><span class="nhsuk-body-s">{} of {}{}</span>\n'


@register.filter
def figure_for(figures: dict, requirement):
    """{{ group.figures|figure_for:requirement }}: the figure for one requirement, or None."""
    return figures.get(requirement.pk)


@register.simple_tag
def percent(figure) -> SafeString:
    """{% percent figure %}: a figure against the target, "96%" in green or "80% below" in red, with "24 of 30,
    2 overdue" under it. Written here, not included from a template: the organisation report shows one for every
    team and requirement, and an include for each was a good part of the page's time."""
    if not figure or not figure.required:
        return NO_ONE
    overdue = format_html(", {} overdue", figure.overdue) if figure.overdue else ""
    tag = GREEN_PERCENT if figure.meets_target else RED_PERCENT
    return format_html(tag + PERCENT_OF, figure.percent, figure.compliant, figure.required, overdue)


@register.filter
def hash_groups(value: str) -> str:
    """A SHA-256 in groups of 16, so that a PDF can wrap it (xhtml2pdf clips a long unbroken word)."""
    return " ".join(value[i : i + 16] for i in range(0, len(value or ""), 16))


@register.filter
def without_pause_reason(note: str) -> str:
    """{{ entry.withdrawn_reason|without_pause_reason }}: a correction's note as a manager reads it, without the
    reason of the pause it changed, which only HR and the person see (`pauses.note_without_reason`)."""
    return note_without_reason(note or "")
