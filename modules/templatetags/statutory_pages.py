from django import template

from modules.statutory_pages import statutory_pages_live

register = template.Library()


@register.simple_tag
def statutory_pages_published():
    """The accessibility statement, privacy notice and cookies page, those published, for the footer."""
    return statutory_pages_live()
