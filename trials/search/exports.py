"""The current search's matches as CSV rows and API v2 studies, read a chunk at a time for streaming.

Generators of rows and pieces of text only: the views wrap them in downloads (trials/views/exports.py).
Exports are data, not pages: their words (CSV header, choice labels, notes) are English whatever
the reader's language, so a file reads the same from every page.
"""

import csv
import json

from django.utils import translation

from trials.models import Trial
from trials.registry import study_json

from .backends import backend

EXPORT_LIMIT = 10_000
CHUNK_SIZE = 200
CSV_HEADER = [
    "NCT ID",
    "Title",
    "Status",
    "Phase",
    "Study type",
    "Conditions",
    "Interventions",
    "Lead sponsor",
    "Enrollment",
    "Start date",
    "Completion date",
    "Last updated",
    "Results posted",
    "Countries",
    "URL",
]
# A cell starting with one of these is run as a formula by spreadsheets (OWASP "CSV injection"); tab and carriage
# return are on OWASP's list too, as some spreadsheets skip them before reading a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def matching_ids(criteria):
    """(ids of the first EXPORT_LIMIT matches of a search in its order, whether more matched).

    Where best-match order is bounded (PostgreSQL, see backends), exports list by last update, so they hold every match.
    """
    entries = criteria.ordered()
    if criteria.sort == "relevance" and backend().rank_limit:
        entries = criteria.by_update()
    ids = list(entries.values_list("pk", flat=True)[: EXPORT_LIMIT + 1])
    return ids[:EXPORT_LIMIT], len(ids) > EXPORT_LIMIT


def _chunks(ids, queryset):
    for start in range(0, len(ids), CHUNK_SIZE):
        chunk = ids[start : start + CHUNK_SIZE]
        trials = queryset.in_bulk(chunk)
        yield [trials[pk] for pk in chunk if pk in trials]


def safe_cell(value):
    """A spreadsheet cell that cannot run as a formula: text starting with = + - @, tab or CR gets a leading '.

    Only text needs it: titles, names, conditions and the like are typed by whoever registered the trial.
    Numbers and dates are written here from typed fields and stay as they are (a negative number is a number).
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_rows(ids, absolute_url):
    """The header, then one row per trial; absolute_url turns a path into a full address."""
    yield CSV_HEADER
    queryset = Trial.objects.for_list().prefetch_related("interventions", "locations")
    for trials in _chunks(ids, queryset):
        with translation.override("en"):  # choice labels in English; the reader's language is back before yielding
            rows = [_csv_row(trial, absolute_url) for trial in trials]
        for row in rows:
            yield [safe_cell(value) for value in row]


def _csv_row(trial, absolute_url):
    return [
        trial.nct_id,
        trial.brief_title,
        trial.get_overall_status_display(),
        trial.get_phase_display(),
        trial.get_study_type_display(),
        "; ".join(condition.name for condition in trial.ordered_conditions),
        "; ".join(intervention.name for intervention in trial.interventions.all()),
        trial.lead_sponsor.name,
        trial.enrollment_count,
        trial.start_date,
        trial.completion_date,
        trial.last_update_posted_date,
        "yes" if trial.has_results else "no",
        "; ".join(sorted({location.country for location in trial.locations.all() if location.country})),
        absolute_url(trial.get_absolute_url()),
    ]


def json_chunks(ids, total, capped):
    """An API v2 page, {"studies": [...], "totalCount": N}, as pieces of text."""
    yield '{"studies": ['
    first = True
    for trials in _chunks(ids, Trial.objects.for_export()):
        for trial in trials:
            yield ("" if first else ",\n") + json.dumps(study_json(trial), ensure_ascii=False)
            first = False
    note = f', "note": "Only the first {len(ids)} of {total} matches are included."' if capped else ""
    yield f'], "totalCount": {total}{note}}}\n'


class Echo:
    """A file-like object for csv.writer that hands each row back instead of storing it."""

    def write(self, value):
        return value


def csv_lines(ids, absolute_url):
    """csv_rows as lines of CSV text (each ends with CRLF), for streaming."""
    writer = csv.writer(Echo())
    return (writer.writerow(row) for row in csv_rows(ids, absolute_url))
