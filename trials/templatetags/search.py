"""Links that change one parameter of the current search (facets, "try without"), and its form's filter fields."""

from django import template
from django.template.loader import render_to_string
from django.utils.translation import get_language

from trials.chips import link, parameters, toggled

register = template.Library()
_blank_fields = {}  # (language, field names) -> their HTML when blank and without errors


@register.simple_tag
def filter_fields(fields):
    """The fields, each in its cell of the filter grid. Blank and without errors, as on most searches, they read the
    same on every page in a language: that HTML is kept after the first page, as Django's form rendering took ~10 ms
    of a 100 ms search page (bench/search_bench.py; tests/test_search_form.py guards it)."""
    if any(field.errors or field.data not in (None, "", []) for field in fields):
        return render_to_string("trials/includes/filter_fields.html", {"fields": fields})
    key = get_language(), tuple(field.name for field in fields)
    if key not in _blank_fields:
        _blank_fields[key] = render_to_string("trials/includes/filter_fields.html", {"fields": fields})
    return _blank_fields[key]


@register.simple_tag(takes_context=True)
def toggle_url(context, name, value):
    """This search with `value` added to or removed from the repeatable parameter `name` (trials.chips.toggled)."""
    return toggled(context["request"].GET, name, value)


@register.simple_tag(takes_context=True)
def replace_url(context, name, value=None):
    """This search with `name` set to `value` alone, or dropped when value is None."""
    params = parameters(context["request"].GET)
    params.pop(name, None)
    if value is not None:
        params[name] = [value]
    return link(params)
