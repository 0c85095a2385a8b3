"""Links that change one parameter of the current search (facets, "try without")."""

from django import template

register = template.Library()


def _params(context):
    params = context["request"].GET.copy()
    params.pop("page", None)
    return params


@register.simple_tag(takes_context=True)
def toggle_url(context, name, value):
    """This search with `value` added to or removed from the repeatable parameter `name`."""
    params = _params(context)
    values = params.getlist(name)
    params.setlist(name, [v for v in values if v != value] if value in values else [*values, value])
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def replace_url(context, name, value=None):
    """This search with `name` set to `value` alone, or dropped when value is None."""
    params = _params(context)
    params.pop(name, None)
    if value is not None:
        params[name] = value
    return "?" + params.urlencode()
