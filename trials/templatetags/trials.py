"""Template filters and tags for registry values: partial dates, markdown, links and structured data."""

import json
import re

import markdown as markdown_lib
import nh3
from django import template
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from trials.choices import DatePrecision
from trials.eligibility import unescape_markdown
from trials.identifiers import registry_link

register = template.Library()

DATE_FORMATS = {DatePrecision.YEAR: "Y", DatePrecision.MONTH: "F Y", DatePrecision.DAY: "j F Y"}
ALLOWED_TAGS = {
    "p", "br", "ul", "ol", "li", "em", "strong", "code", "pre", "blockquote", "h3", "h4", "h5", "a",
    "table", "thead", "tbody", "tr", "th", "td", "hr", "sub", "sup",
}  # fmt: skip
# Escapes the registry writes that Python-Markdown does not know ("\<70" is "<70").
REGISTRY_ESCAPES = re.compile(r"\\([<=|~^])")
# Characters that could end a <script> element or start markup, as JSON escapes (as Django's json_script does).
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
SCHEMA_STATUSES = {
    "NOT_YET_RECRUITING": "NotYetRecruiting",
    "RECRUITING": "Recruiting",
    "ENROLLING_BY_INVITATION": "EnrollingByInvitation",
    "ACTIVE_NOT_RECRUITING": "ActiveNotRecruiting",
    "SUSPENDED": "Suspended",
    "TERMINATED": "Terminated",
    "COMPLETED": "Completed",
    "WITHDRAWN": "Withdrawn",
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
    """Registry markdown as HTML, sanitised with nh3: no HTML from a record reaches the page unescaped."""
    if not text:
        return ""
    text = REGISTRY_ESCAPES.sub(lambda match: "&lt;" if match[1] == "<" else match[1], text)
    html = markdown_lib.markdown(text, extensions=["sane_lists"])
    return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS, link_rel="nofollow noopener"))  # noqa: S308 - sanitised


@register.filter
def plain(text):
    """A short registry text shown inline: markdown escapes removed ("\\<70" reads "<70"), then auto-escaped."""
    return unescape_markdown(text or "")


@register.simple_tag
def identifier_link(secondary):
    """A secondary identifier, linked to its registry when the registry is known."""
    found = registry_link(secondary.identifier, secondary.link)
    if not found:
        return secondary.identifier
    name, url = found
    label = format_html(' <span class="meta">({})</span>', name) if name else ""
    return format_html('<a href="{}" rel="nofollow noopener">{}</a>{}', url, secondary.identifier, label)


@register.simple_tag(takes_context=True)
def trial_json_ld(context, trial):
    """schema.org MedicalTrial as a JSON-LD script; "</script>" in any text cannot close the element."""
    request = context["request"]
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalTrial",
        "name": trial.brief_title,
        "identifier": trial.nct_id,
        "url": request.build_absolute_uri(trial.get_absolute_url()),
        "description": trial.summary_text[:500],
        "sponsor": {"@type": "Organization", "name": trial.lead_sponsor.name},
        "healthCondition": [{"@type": "MedicalCondition", "name": c.name} for c in trial.ordered_conditions],
    }
    if trial.official_title:
        data["alternateName"] = trial.official_title
    if trial.phase:
        data["phase"] = trial.get_phase_display()
    if trial.overall_status in SCHEMA_STATUSES:
        data["status"] = f"https://schema.org/{SCHEMA_STATUSES[trial.overall_status]}"
    if trial.allocation == "RANDOMIZED":
        data["trialDesign"] = "https://schema.org/RandomizedTrial"
    text = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 - escaped
