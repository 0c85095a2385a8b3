"""Downloads: the current search's matches as CSV and API v2 JSON, and the same files for the admin's selection.

The rows and text come from trials/search/exports.py; here they become streamed responses, bounded so that a
200 is always a whole file: a JSON export is a page of at most PAGE_SIZE studies with a token for the next
(as the registry's API v2 pages), a CSV at most EXPORT_LIMIT rows; at most settings.EXPORT_SLOTS exports stream
at once on a host and an address may ask EXPORT_RATE a minute (trials/throttle.py), or the answer is a 429
before any byte of a file. A download still running after EXPORT_SECONDS is cut off, unmistakably (Budgeted).
"""

import logging
import time

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse

from trials.search import exports as rows
from trials.search import keyset
from trials.search.backends import backend
from trials.site import absolute_url
from trials.throttle import seconds_over_rate, take_slot

from .search import search_for

logger = logging.getLogger(__name__)
# Studies in a JSON page, by default and at most. The registry's API v2 allows 1,000, but a page of 1,000 took over
# 20 s under load on the bench (bench/RESULTS.md, "Abuse") and was cut off; 250 finish well inside the budget.
PAGE_SIZE = 250
BUSY = "Too many exports are running right now. Please try again in a minute."
OVER_RATE = "You have asked for more than {rate} exports this minute. Please try again in a minute."
CUT_OFF = "\n\n*** EXPORT CUT OFF: this file is incomplete. Ask for a smaller one (filters, pageSize). ***\n"


class ExportCutOff(Exception):
    """Raised after CUT_OFF so the server ends the connection without finishing the body."""


class Budgeted:
    """A download's pieces, cut off when they run past settings.EXPORT_SECONDS, and its export slot, released when the
    response is closed (Django closes what it streamed; gunicorn closes it on a dropped connection too)."""

    def __init__(self, pieces, slot):
        self.pieces, self.slot = pieces, slot
        self.deadline = time.monotonic() + settings.EXPORT_SECONDS

    def __iter__(self):
        for piece in self.pieces:
            yield piece
            if time.monotonic() > self.deadline:
                logger.warning("export cut off after %s s", settings.EXPORT_SECONDS)
                yield CUT_OFF  # invalid JSON, and a CSV line no one takes for a trial
                raise ExportCutOff(f"export ran past EXPORT_SECONDS={settings.EXPORT_SECONDS}")

    def close(self):
        self.slot.release()


def too_many(message, seconds=60):
    response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(seconds)
    return response


def _download(pieces, content_type, filename):
    """The pieces as a streamed download holding an export slot, or a 429 when the host has none free."""
    slot = take_slot()
    if slot is None:
        return too_many(BUSY)
    response = StreamingHttpResponse(Budgeted(pieces, slot), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_download(ids, filename="trials.csv"):
    """These trials as a streamed CSV download, at most EXPORT_LIMIT of them (also the admin's "export selected")."""
    limit = rows.EXPORT_LIMIT
    response = _download(rows.csv_lines(ids[:limit], absolute_url), "text/csv; charset=utf-8", filename)
    if len(ids) > limit and response.status_code == 200:
        # Part of the export, as the JSON export's note: English whatever the page language (headers are latin-1).
        response["X-Export-Note"] = f"Only the first {limit} matches are included"
    return response


def json_download(ids, total, filename="trials.json", next_token=None):
    """These trials as a streamed API v2 page download, at most PAGE_SIZE of them (also the admin's "export
    selected", whose larger selections get the first PAGE_SIZE and a note)."""
    pieces = rows.json_chunks(ids[:PAGE_SIZE], total, len(ids) > PAGE_SIZE, next_token)
    return _download(pieces, "application/json", filename)


def _over_rate(request):
    """A 429 when the client's address has asked for more than EXPORT_RATE exports this minute, else None."""
    seconds = seconds_over_rate(get_client_ip_address(request))
    return too_many(OVER_RATE.format(rate=settings.EXPORT_RATE), seconds) if seconds else None


def export_csv(request):
    """/trials/export.csv: the search's matches in its order, at most EXPORT_LIMIT."""
    if refused := _over_rate(request):
        return refused
    _filterset, criteria = search_for(request)
    with backend().planned_with_values():
        ids = rows.matching_ids(criteria)
    return csv_download(ids)


def export_json(request):
    """/trials/export.json: a page of the search's matches as an API v2 page, with the total and the next page's token.

    pageSize (1 to PAGE_SIZE, default PAGE_SIZE) and pageToken (the previous page's nextPageToken) as in API v2;
    a bad value of either is a 400 saying what is wrong.
    """
    if refused := _over_rate(request):
        return refused
    size = request.GET.get("pageSize", str(PAGE_SIZE))
    if not size.isdigit() or not 1 <= int(size) <= PAGE_SIZE:
        return HttpResponseBadRequest(
            f"pageSize must be a whole number from 1 to {PAGE_SIZE}.", content_type="text/plain; charset=utf-8"
        )
    _filterset, criteria = search_for(request)
    try:
        with backend().planned_with_values():
            ids, next_token = keyset.page(criteria, int(size), request.GET.get("pageToken"))
            total = criteria.filtered().count()
    except keyset.BadToken as error:
        return HttpResponseBadRequest(f"{error}.", content_type="text/plain; charset=utf-8")
    return json_download(ids, total, next_token=next_token)
