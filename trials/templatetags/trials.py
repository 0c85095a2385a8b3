"""Template filters and tags for registry values: partial dates, markdown, links and structured data."""

import json
import re
import threading

import markdown as markdown_lib
import nh3
from django import template
from django.utils.dateformat import format as format_date
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from trials.choices import DatePrecision, DateType, RelatedReason
from trials.eligibility import unescape_markdown
from trials.identifiers import registry_link
from trials.site import absolute_url

register = template.Library()

# Date formats (Django's `date` filter letters) per precision: translatable, as the order of day, month and year is.
DATE_FORMATS = {
    DatePrecision.YEAR: pgettext_lazy("format of a registry date known to the year (Django date format)", "Y"),
    DatePrecision.MONTH: pgettext_lazy("format of a registry date known to the month (Django date format)", "F Y"),
    DatePrecision.DAY: pgettext_lazy("format of a registry date known to the day (Django date format)", "j F Y"),
}
ALLOWED_TAGS = {
    "p", "br", "ul", "ol", "li", "em", "strong", "code", "pre", "blockquote", "h3", "h4", "h5", "a",
    "table", "thead", "tbody", "tr", "th", "td", "hr", "sub", "sup",
}  # fmt: skip
# Escapes the registry writes that Python-Markdown does not know ("\<70" is "<70").
REGISTRY_ESCAPES = re.compile(r"\\([<=|~^])")
# Text Python-Markdown turns into plain paragraphs and nothing else: no character that can start markup,
# no control character or tab, and no line that starts with a space, a list marker or a heading underline,
# or ends with a space (a line break). Most registry summaries are such text (four in five of the samples).
MARKUP = re.compile(r"[\\`*_\[\]<>&#!|~^=\x00-\x09\x0b-\x1f]|^[ +-]|^\d+[.)]| $", re.M)
PARAGRAPH_BREAK = re.compile(r"\n{2,}")
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
    text = format_date(
        date, str(DATE_FORMATS.get(getattr(trial, f"{name}_precision"), DATE_FORMATS[DatePrecision.DAY]))
    )
    date_type = getattr(trial, f"{name}_type", "")
    if date_type == DateType.ACTUAL:
        return _("%(date)s (actual)") % {"date": text}
    if date_type == DateType.ESTIMATED:
        return _("%(date)s (estimated)") % {"date": text}
    return f"{text} ({date_type.lower()})" if date_type else text


_converters = threading.local()


def _markdown_converter():
    """This thread's Markdown converter: building one costs as much as converting a description."""
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown_lib.Markdown(extensions=["sane_lists"])
        # Registry text is text: HTML typed in it shows as typed, escaped. Passed through as HTML, a tag the
        # sanitiser removes would take the rest of the text with it (an unclosed <style>) or turn it to markup.
        converter.preprocessors.deregister("html_block")
        converter.inlinePatterns.deregister("html")
    return converter.reset()


@register.filter
def markdown(text):
    """Registry markdown as HTML, sanitised with nh3 as well: HTML in a record shows as the text it is."""
    if not text:
        return ""
    if not MARKUP.search(text):  # the same HTML as below, a tenth of the time
        blocks = PARAGRAPH_BREAK.split(text.strip("\n"))
        return format_html_join("\n", "<p>{}</p>", ([block] for block in blocks if block))
    text = REGISTRY_ESCAPES.sub(lambda match: "&lt;" if match[1] == "<" else match[1], text)
    html = _markdown_converter().convert(text)
    return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS, link_rel="nofollow noopener"))  # noqa: S308 - sanitised


@register.filter
def enrollment(trial, form=""):
    """The enrollment figure as read: "116 participants (estimated)", "40 participants (actual)"; empty if none.

    `trial|enrollment:"brief"`, in a list of trials, names the type only when the figure is an estimate.
    """
    count = trial.enrollment_count
    if count is None:
        return ""
    if form == "brief" and trial.enrollment_type == DateType.ESTIMATED:
        phrase = ngettext("%(counter)s participant (estimated)", "%(counter)s participants (estimated)", count)
        return phrase % {"counter": count}
    text = ngettext("%(counter)s participant", "%(counter)s participants", count) % {"counter": count}
    if form == "brief" or not trial.enrollment_type:
        return text
    kind = pgettext("an enrollment figure's type, after the number of participants", "(%(type)s)")
    return f"{text} {kind % {'type': trial.get_enrollment_type_display().lower()}}"


@register.filter
def responsible_party(trial):
    """Who answers for the record: "Principal investigator: Ying Wang, Professor, Blood Diseases Hospital".

    The type, then the investigator's name, title and affiliation, or else the older records' name and
    organisation, as far as given; empty when the record gives no type.
    """
    if not trial.responsible_party_type:
        return ""
    if trial.responsible_party_investigator_name:
        details = [
            trial.responsible_party_investigator_name,
            trial.responsible_party_investigator_title,
            trial.responsible_party_investigator_affiliation,
        ]
    elif trial.responsible_party_old_name_title:
        details = [trial.responsible_party_old_name_title, trial.responsible_party_old_organization]
    else:
        details = []
    details = [detail for detail in details if detail]
    kind = trial.get_responsible_party_type_display()
    return format_html("{}: {}", kind, english(", ".join(details))) if details else kind


@register.filter
def plain(text):
    """A short registry text shown inline: markdown escapes removed ("\\<70" reads "<70"), then auto-escaped."""
    return unescape_markdown(text or "")


@register.filter
def english(text):
    """A short registry text inside one of our translated sentences ("Time frame: 12 weeks"), in a
    <span lang="en">: the registry's text stays English on a Chinese page, and screen readers and hyphenation
    need to know. Where the registry text fills an element of its own, the element carries lang="en" instead."""
    return format_html('<span lang="en">{}</span>', plain(text))


@register.filter
def related_reason(link):
    """Why a trial is related ("same intervention: Aspirin"), in the reader's language, the value as registered."""
    label = conditional_escape(RelatedReason(link.reason_kind).label)
    return mark_safe(label % {"value": english(link.reason_value)})  # noqa: S308 - both parts escaped


@register.simple_tag
def status_badge(trial):
    """The recruitment status as a badge: its colour from the class, and always its text."""
    label = trial.get_overall_status_display()
    return format_html('<span class="badge status-{}">{}</span>', trial.overall_status.lower(), label)


@register.simple_tag
def identifier_link(secondary):
    """A secondary identifier, linked to its registry when the registry is known."""
    found = registry_link(secondary.identifier, secondary.link)
    if not found:
        return secondary.identifier
    name, url = found
    label = format_html(' <span class="meta">({})</span>', name) if name else ""
    return format_html('<a href="{}" rel="nofollow noopener">{}</a>{}', url, secondary.identifier, label)


@register.filter
def absolute(path):
    """A path at the portal's own address (settings.SITE_ORIGIN), never the request's Host."""
    return absolute_url(path)


@register.simple_tag
def trial_json_ld(trial):
    """schema.org MedicalTrial as a JSON-LD script; "</script>" in any text cannot close the element."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalTrial",
        "name": trial.brief_title,
        "identifier": trial.nct_id,
        "url": absolute_url(trial.get_absolute_url()),
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


@register.filter
def about_km(distance):
    """A city-to-city distance as read: "less than 10 km", "about 40 km", "about 110 km" (to the nearest 10)."""
    if distance < 10:
        return _("less than 10 km")
    return _("about %(km)s km") % {"km": int(round(distance, -1 if distance < 1000 else -2))}
