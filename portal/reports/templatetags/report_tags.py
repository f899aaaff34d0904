from functools import lru_cache

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

NOT_REQUIRED_CELL = mark_safe('<td class="nhsuk-table__cell"><span class="nhsuk-body-s">Not required</span></td>')


@register.filter
def figure_for(figures: dict, requirement):
    """{{ group.figures|figure_for:requirement }}: the figure for one requirement, or None."""
    return figures.get(requirement.pk)


@register.inclusion_tag("reports/includes/percent.html")
def percent(figure):
    return {"figure": figure}


@register.filter
def hash_groups(value: str) -> str:
    """A SHA-256 in groups of 16, so that a PDF can wrap it (xhtml2pdf clips a long unbroken word)."""
    return " ".join(value[i : i + 16] for i in range(0, len(value or ""), 16))


@register.filter
def status_cells(cells) -> SafeString:
    """{{ cells|status_cells }}: one person's row of the team page's matrix (reports.team.Cell), as table cells.

    A team of 40 by 12 requirements is 480 cells: looping over them in the template language was most of the page's
    time, and most cells repeat one another (the same tag and date), so each distinct cell is built once."""
    # Safe: every part is a literal or came out of format_html, which escaped what it was given.
    return mark_safe(  # noqa: S308
        "".join(_status_cell(c.colour, c.label, c.due_shown) if c.required else NOT_REQUIRED_CELL for c in cells)
    )


@lru_cache(maxsize=4096)
def _status_cell(colour: str, label: str, due: str) -> SafeString:
    if due:
        return format_html(
            '<td class="nhsuk-table__cell"><strong class="nhsuk-tag nhsuk-tag--{}">{}</strong>'
            '<br><span class="nhsuk-body-s">{}</span></td>',
            colour,
            label,
            due,
        )
    return format_html(
        '<td class="nhsuk-table__cell"><strong class="nhsuk-tag nhsuk-tag--{}">{}</strong></td>', colour, label
    )


@register.filter
def team_options(teams, chosen: str) -> SafeString:
    """{{ choices|team_options:chosen }}: the team filter's options, the chosen team's selected. HR chooses among
    every team in the organisation (400 in a large trust): too many to loop over in the template language."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((t.pk, " selected" if str(t.pk) == chosen else "", t.name) for t in teams),
    )
