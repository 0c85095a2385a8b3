"""Figures drawn from the whole search index (home page totals, facet counts, the spelling
vocabulary), kept in the cache framework until the index changes.

Each key carries the index's version number (IndexVersion), which every index update
raises in its own transaction. Nothing has to be deleted from other processes' caches:
after an import, a publication or an edit, every process asks for new keys, whether the
cache is this process's memory (CACHE_URL unset) or a Redis shared by all app servers.
"""

import hashlib

from django.core.cache import cache
from django.db.models import F

from trials.models import IndexVersion

TIMEOUT_SECONDS = 3600  # an upper bound only: a change to the index makes new keys at once


def index_version():
    """The index's version number: one primary-key read."""
    return IndexVersion.objects.filter(pk=1).values_list("number", flat=True).first() or 0


def bump_index_version():
    """Mark every cached figure stale (called inside the transaction that changes the index)."""
    if not IndexVersion.objects.filter(pk=1).update(number=F("number") + 1):
        IndexVersion.objects.update_or_create(pk=1, defaults={"number": 1})


def cached(name, compute, *parts):
    """compute(), cached under `name`, the index version and `parts` (what else the figure depends on)."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"{name}:{index_version()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT_SECONDS)
    return value
