"""Conditional GET and a page cache for a record's pages and its JSON.

The ETag changes when anything the page shows changes (the trial's pages_changed_at, set by
trials.changes on every save, import, publication, merge and staff edit of the trial, and of
any trial its related list names), when the page language changes, and when the portal's
own templates, code, translations or static files change. So it serves twice:

- a browser or CDN that sends it back in If-None-Match gets 304 Not Modified;
- it keys the rendered page in the cache framework, so the next visitor's copy of an
  unchanged page costs a cache read or two. A changed trial has a new ETag, so a page
  rendered before the change is never served once the change is known.

The trial's last change is itself read from the cache for LAST_CHANGE_SECONDS, so a busy
page costs no query at all; when it is not there, the page's own query for the trial reads it.
Every change to a trial (trials.changes: import, publication, merge, staff edit) forgets its
entry (trials.record_cache): at once in a shared cache (Redis) and in the process that made the change;
other processes with their own memory see the change up to LAST_CHANGE_SECONDS later (as they
may through a read replica's lag).

Signed-in staff get none of this: they see drafts, previews and their own edits at once,
under the same addresses. Pages with a query string (the quick check's answers, sites near a place) are revalidated
but not cached: there is no end to their variety.
"""

import hashlib
from functools import cache

from django.conf import settings
from django.core.cache import cache as page_cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, quote_etag
from django.utils.translation import get_language

from trials.models import Trial
from trials.record_cache import LAST_CHANGE_SECONDS, PAGE_SECONDS, last_change_key, page_key

RENDERED_FROM = ["templates/**/*.html", "trials/**/*.py", "trials/**/*.html", "locale/**/*.mo", "static/**/*"]


@cache
def release():
    """A fingerprint of everything that renders the pages, read once per process."""
    digest = hashlib.sha256()
    for pattern in RENDERED_FROM:
        for path in sorted(settings.BASE_DIR.glob(pattern)):
            if path.is_file():
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def respond(request, nct_id, load, render):
    """A record's page for this request: 304, the cached page, or render(load()); staff always get render(load()).

    load() reads the trial the page shows, or raises Http404; render(trial) makes the page. When the trial's
    last change is not in the cache, the trial load() reads gives it, so a page not seen before costs its own
    queries and no more; a browser or CDN revalidating its copy costs one small query.
    """
    if request.user.is_authenticated:
        return render(load())
    trial = None
    key = last_change_key(nct_id)
    updated = page_cache.get(key)
    if updated is None:
        # A revalidation is usually answered 304, which one column decides; a first visit needs the rows anyway.
        updated = last_change(nct_id) if "If-None-Match" in request.headers else None
        if updated is None:
            trial = load()
            updated = trial.pages_changed_at.timestamp()
        page_cache.set(key, updated, LAST_CHANGE_SECONDS)
    etag = quote_etag(f"{updated:.6f}-{get_language()}-{release()}")
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = cached_page(request, etag, lambda: render(trial or load()))
    response["ETag"] = etag
    patch_cache_control(response, no_cache=True)  # browsers and caches may keep the page but must revalidate it
    return response


def last_change(nct_id):
    """When what the published trial's pages show last changed, as a timestamp, or None."""
    found = Trial.objects.published().filter(nct_id=nct_id).order_by().values_list("pages_changed_at", flat=True)[:1]
    return found[0].timestamp() if found else None


def cached_page(request, etag, render):
    if request.GET:
        return render()
    key = page_key(etag, request.path)
    if found := page_cache.get(key):
        content_type, content = found
        return HttpResponse(content, content_type=content_type)
    response = render()
    if response.status_code == 200 and not response.streaming:
        page_cache.set(key, (response["Content-Type"], response.content), PAGE_SECONDS)
    return response
