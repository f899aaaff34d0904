from functools import lru_cache

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

NOT_REQUIRED_CELL = mark_safe('<td class="nhsuk-table__cell"><span class="nhsuk-body-s">Not required</span></td>')
NO_ONE = mark_safe('<span class="nhsuk-body-s">No one</span>\n')
GREEN_PERCENT = '<strong class="nhsuk-tag nhsuk-tag--green">{}%</strong>'
RED_PERCENT = '<strong class="nhsuk-tag nhsuk-tag--red">{}% below</strong>'
PERCENT_OF = '<br><span class="nhsuk-body-s">{} of {}{}</span>\n'
# The team page's rows, written here rather than in its templates: 40 people, each in the list to chase and in the
# table of everyone, were most of the page's time through the template language. The templates lay out the rest.
PERSON_HEADER = '<th scope="row" class="nhsuk-table__header"><a href="{}">{}</a>{}<br>' + (
    '<span class="nhsuk-body-s">{} · {}</span></th>'
)
CHASE_ROW = (  # the row's cells, indented as the template indents them
    '<th class="nhsuk-table__header" scope="row" role="rowheader"><a href="{}">{}</a>{}<br>'
    '<span class="nhsuk-body-s nhsuk-u-secondary-text-colour"><span class="nhsuk-u-visually-hidden">Employee number '
    "</span>{} · {}</span></th>\n      {}\n      "
    '<td class="nhsuk-table__cell" role="cell"><ul class="nhsuk-list portal-owed">{}</ul></td>'
)
CHASE_OVERDUE = (
    '<td class="nhsuk-table__cell" role="cell"><strong class="nhsuk-tag nhsuk-tag--red">{} overdue</strong></td>'
)
CHASE_NONE_OVERDUE = mark_safe('<td class="nhsuk-table__cell portal-wide-only" role="cell">None</td>')
CHASE_ITEM = '<li><strong class="nhsuk-tag nhsuk-tag--{}">{}</strong> {}, {}</li>'
EMPLOYMENT_TAG = ' <strong class="nhsuk-tag nhsuk-tag--purple">{}</strong>'


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


@register.filter
def person_header(person) -> SafeString:
    """{{ person|person_header }}: a person's row header in the team page's table of everyone (reports.team.Person):
    their name linking to their page, bank or agency, employee number and team."""
    employment = format_html(EMPLOYMENT_TAG, person.employment) if person.employment else ""
    return format_html(
        PERSON_HEADER, person.url, person.full_name, employment, person.employee_number, person.team_name
    )


@register.filter
def chase_cells(owed) -> SafeString:
    """{{ owed|chase_cells }}: a person's row in the team page's list to chase (reports.team.Owed): who, how many
    items overdue, and each item with its date."""
    person = owed.person
    employment = format_html(EMPLOYMENT_TAG, person.employment) if person.employment else ""
    count = format_html(CHASE_OVERDUE, owed.overdue) if owed.overdue else CHASE_NONE_OVERDUE
    items = format_html_join("", CHASE_ITEM, ((i.colour, i.label, i.requirement.name, i.when) for i in owed.items))
    return format_html(
        CHASE_ROW, person.url, person.full_name, employment, person.employee_number, person.team_name, count, items
    )
