from django import template
from django.utils.html import conditional_escape, format_html

register = template.Library()


@register.filter
def with_service_name(title, service_name):
    """The window title's first parts: "Page – Service", or the service's name alone where the page has no title of
    its own or is named for the service (the home page), so that no part is said twice."""
    title = conditional_escape(title)
    if title.strip() in ("", conditional_escape(service_name)):
        return conditional_escape(service_name)
    return format_html("{} – {}", title, service_name)
