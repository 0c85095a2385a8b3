"""Conditional GET for a record's pages and its JSON.

The ETag changes when the trial changes (its updated_at, set on every save, import,
publication and merge), when the page language changes, and when the portal's own
templates, code, translations or static files change. A browser or CDN that sends it
back in If-None-Match gets 304 Not Modified for one small query, with nothing rendered.
Signed-in staff get no ETag: they see drafts and previews under the same addresses.
"""

import hashlib
from functools import cache, wraps

from django.conf import settings
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import condition

from trials.models import Trial

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


def record_etag(request, nct_id, **kwargs):
    if request.user.is_authenticated:
        return None
    updated = Trial.objects.published().filter(nct_id=nct_id).values_list("updated_at", flat=True).first()
    if updated is None:  # no such published trial, or an NCT ID to redirect: the view answers
        return None
    return f"{updated.timestamp():.6f}-{get_language()}-{release()}"


def revalidated(view):
    """The view behind an ETag; browsers and caches may keep the page but must check it again each time."""
    conditional_view = condition(etag_func=record_etag)(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = conditional_view(request, *args, **kwargs)
        if response.has_header("ETag"):
            patch_cache_control(response, no_cache=True)
        return response

    return wrapper
