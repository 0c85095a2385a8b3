"""Template filters for registry values: partial dates and the registry's markdown."""

import markdown as markdown_lib
import nh3
from django import template
from django.utils.dateformat import format as format_date
from django.utils.safestring import mark_safe

from trials.choices import DatePrecision

register = template.Library()

DATE_FORMATS = {DatePrecision.YEAR: "Y", DatePrecision.MONTH: "F Y", DatePrecision.DAY: "j F Y"}
ALLOWED_TAGS = {
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "h3",
    "h4",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


@register.filter
def registry_date(trial, name):
    """`trial|registry_date:"start_date"` -> "October 2025 (estimated)", at the date's own precision."""
    date = getattr(trial, name)
    if date is None:
        return ""
    text = format_date(date, DATE_FORMATS.get(getattr(trial, f"{name}_precision"), "j F Y"))
    date_type = getattr(trial, f"{name}_type", "")
    return f"{text} ({date_type.lower()})" if date_type else text


@register.filter
def markdown(text):
    """Registry markdown as HTML, sanitised with nh3: registry text never reaches the page unescaped."""
    if not text:
        return ""
    html = markdown_lib.markdown(text, extensions=["sane_lists"])
    return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS, link_rel="nofollow noopener"))  # noqa: S308 - sanitised above
