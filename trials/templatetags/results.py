"""{% result_cells row %}: one row of a results table, a <td> per group, written in one go.

A results page has a cell per group per row: about 800 on the largest bundled record. As an include each, they
took most of the page's time (bench/results_bench.py: p50 262 ms, of which ~60% in resolving the include's
variables); written here with format_html, which escapes the registry's text the same way, it is a few ms.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import ngettext

from trials.eligibility import unescape_markdown

register = template.Library()


@register.simple_tag
def result_cells(row):
    return format_html_join("\n", '<td class="num">{}</td>', ([_cell(cell)] for cell in row.cells))


def _cell(cell):
    """ "<value>/N (x%)", then the number of events and the registry's comment (its English text) below it."""
    html = format_html('<span class="value">{}</span>{}', cell.value, cell.detail)
    if cell.events:
        count = int(cell.events) if cell.events.isdigit() else 0
        events = ngettext("%(events)s event", "%(events)s events", count) % {"events": cell.events}
        html += format_html(' <span class="events">{}</span>', events)
    if cell.comment:
        html += format_html(' <span class="cell-comment" lang="en">{}</span>', unescape_markdown(cell.comment))
    return html
