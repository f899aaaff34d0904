from django import template

register = template.Library()


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
