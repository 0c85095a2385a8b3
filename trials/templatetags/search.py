"""Links that change one parameter of the current search (facets, "try without")."""

from django import template

from trials.chips import link, toggled

register = template.Library()


@register.simple_tag(takes_context=True)
def toggle_url(context, name, value):
    """This search with `value` added to or removed from the repeatable parameter `name` (trials.chips.toggled)."""
    return toggled(context["request"].GET, name, value)


@register.simple_tag(takes_context=True)
def replace_url(context, name, value=None):
    """This search with `name` set to `value` alone, or dropped when value is None."""
    params = context["request"].GET.copy()
    params.pop(name, None)
    if value is not None:
        params[name] = value
    return link(params)
