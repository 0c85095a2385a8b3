"""Where a record's pages are kept in the cache framework, and how a change forgets them.

Two kinds of entry (trials.views.conditional reads and writes them):
- a record's last change, kept LAST_CHANGE_SECONDS, so a busy page costs no query;
- a rendered page, keyed by its ETag (which holds that last change), so it is never stale once the change is known.
trials.changes forgets the last change of every trial it is told about: at once in a shared cache (Redis)
and in the process that made the change.
"""

from django.core.cache import cache

LAST_CHANGE_SECONDS = 5
PAGE_SECONDS = 3600  # an upper bound only: a changed trial has a new ETag, so a new key


def last_change_key(nct_id):
    return f"last-change:{nct_id}"


def page_key(etag, path):
    return f"page:{etag}:{path}"


def forget(nct_ids):
    """Changed records: their pages are revalidated at once."""
    cache.delete_many([last_change_key(nct_id) for nct_id in nct_ids])
