from django import template

from portal.lib.clauses import clause_anchor, parse_clause_list

register = template.Library()


@register.simple_tag(takes_context=True)
def clause_href(context, policy, number):
    """The link to a numbered section of a policy page, e.g. /policy/#clause-6-2."""
    if policy is None:
        return f"#{clause_anchor(number)}"
    request = context.get("request")
    return f"{policy.get_url(request)}#{clause_anchor(number)}"


@register.filter
def anchor(number):
    return clause_anchor(str(number))


@register.filter
def clause_numbers(value):
    return parse_clause_list(value)


@register.simple_tag(takes_context=True)
def page_trail(context, page, below=False):
    """(title, url) for each page above `page`, from the site's home page down, for the breadcrumbs; with `below`,
    `page` itself ends the trail (for a view beneath a page, such as a module's quiz)."""
    request = context.get("request")
    trail = [(ancestor.title, ancestor.get_url(request)) for ancestor in _ancestors_below_root(page)]
    return [*trail, (page.title, page.get_url(request))] if below else trail


def _ancestors_below_root(page) -> list:
    """The pages above `page`, the tree's root aside: the parents routing the request cached on each page (Wagtail's
    route, and `HomePage.route`), with no query; else read."""
    chain, node = [], page
    while node.depth > 2:
        node = getattr(node, "_cached_parent_obj", None)
        if node is None:
            return list(page.get_ancestors().filter(depth__gt=1))
        chain.append(node)
    return chain[::-1]
