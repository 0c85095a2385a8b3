"""The current search's matches as CSV rows and API v2 studies, read a chunk at a time for streaming.

Generators of rows and pieces of text only: the views wrap them in downloads (trials/views/exports.py).
Exports are data, not pages: their words (CSV header, choice labels, notes) are English whatever
the reader's language, so a file reads the same from every page.
"""

import csv
import json

from django.urls import reverse
from django.utils import translation

from trials.models import Trial
from trials.registry import study_json

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
    """Ids of a search's matches in its order, at most EXPORT_LIMIT + 1: one more than a CSV export holds, so the
    download can tell it was capped.

    Best match ranks at most RANK_LIMIT matches (see backends), so exports list those by last update: they hold every
    match.
    """
    entries = criteria.by_update() if criteria.sort == "relevance" else criteria.ordered()
    return list(entries.values_list("pk", flat=True)[: EXPORT_LIMIT + 1])


def _chunks(ids, read):
    """The rows of these ids in their order, CHUNK_SIZE at a time; read(chunk ids) gives {id: row} for one chunk."""
    for start in range(0, len(ids), CHUNK_SIZE):
        chunk = ids[start : start + CHUNK_SIZE]
        found = read(chunk)
        yield [found[pk] for pk in chunk if pk in found]


def _csv_values(chunk):
    return {row["pk"]: row for row in Trial.objects.filter(pk__in=chunk).for_csv()}


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
    with translation.override("en"):  # choice labels in English; the reader's language is back before yielding
        labels = {name: _labels(name) for name in ("overall_status", "phase", "study_type")}
    for rows in _chunks(ids, _csv_values):
        for row in rows:
            yield [safe_cell(value) for value in _csv_row(row, labels, absolute_url)]


def _labels(name):
    """{stored value: its label as text} of a Trial field with choices, in the active language."""
    return {value: str(label) for value, label in Trial._meta.get_field(name).flatchoices}


def _names(items):
    return "; ".join(item["name"] for item in sorted(items or [], key=lambda item: (item["position"], item["id"])))


def _csv_row(row, labels, absolute_url):
    """A for_csv() row as the CSV's cells; a value outside the choices shows as stored, as get_FOO_display does."""
    return [
        row["nct_id"],
        row["brief_title"],
        *(labels[name].get(row[name], row[name]) for name in ("overall_status", "phase", "study_type")),
        _names(row["condition_names"]),
        _names(row["intervention_names"]),
        row["sponsor_name"],
        row["enrollment_count"],
        row["start_date"],
        row["completion_date"],
        row["last_update_posted_date"],
        "yes" if row["has_results"] else "no",
        "; ".join(sorted({item["country"] for item in row["countries"] or [] if item["country"]})),
        absolute_url(reverse("trials:detail", args=[row["nct_id"]])),
    ]


def json_chunks(ids, total, capped, next_token=None):
    """An API v2 page, {"studies": [...], "nextPageToken": "…", "totalCount": N}, as pieces of text.

    nextPageToken only when there is a next page (trials.search.keyset); a note when the ids were capped.
    """
    yield '{"studies": ['
    first = True
    for trials in _chunks(ids, Trial.objects.for_export().in_bulk):
        for trial in trials:
            yield ("" if first else ",\n") + json.dumps(study_json(trial), ensure_ascii=False)
            first = False
    token = f'"nextPageToken": {json.dumps(next_token)}, ' if next_token else ""
    note = f', "note": "Only the first {len(ids)} of {total} matches are included."' if capped else ""
    yield f'], {token}"totalCount": {total}{note}}}\n'


class Echo:
    """A file-like object for csv.writer that hands each row back instead of storing it."""

    def write(self, value):
        return value


def csv_lines(ids, absolute_url):
    """csv_rows as lines of CSV text (each ends with CRLF), for streaming."""
    writer = csv.writer(Echo())
    return (writer.writerow(row) for row in csv_rows(ids, absolute_url))
