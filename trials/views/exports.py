"""Downloads: the current search's matches as CSV and API v2 JSON, and the same files for the admin's selection.

The rows and text come from trials/search/exports.py; here they become streamed responses.
"""

from django.http import StreamingHttpResponse

from trials.search.exports import csv_lines, json_chunks, matching_ids
from trials.site import absolute_url

from .search import search_for


def csv_download(ids, filename="trials.csv"):
    """These trials as a streamed CSV download (also the admin's "export selected")."""
    response = StreamingHttpResponse(csv_lines(ids, absolute_url), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def json_download(ids, total, capped, filename="trials.json"):
    """These trials as a streamed API v2 page download (also the admin's "export selected")."""
    response = StreamingHttpResponse(json_chunks(ids, total, capped), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_csv(request):
    """/trials/export.csv: the search's matches in its order, at most EXPORT_LIMIT."""
    _filterset, criteria = search_for(request)
    ids, capped = matching_ids(criteria)
    response = csv_download(ids)
    if capped:
        # Part of the export, as the JSON export's note: English whatever the page language (headers are latin-1).
        response["X-Export-Note"] = f"Only the first {len(ids)} matches are included"
    return response


def export_json(request):
    """/trials/export.json: the search's matches as an API v2 page, with the total and a note when capped."""
    _filterset, criteria = search_for(request)
    ids, capped = matching_ids(criteria)
    return json_download(ids, criteria.filtered().count() if capped else len(ids), capped)
