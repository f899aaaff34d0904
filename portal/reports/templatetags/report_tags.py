from django import template

register = template.Library()


@register.filter
def figure_for(figures: dict, requirement):
    """{{ group.figures|figure_for:requirement }}: the figure for one requirement, or None."""
    return figures.get(requirement.pk)


@register.inclusion_tag("reports/includes/percent.html")
def percent(figure):
    return {"figure": figure}
