"""A search's matches a page at a time, each page starting right after the last match of the one before (keyset paging).

The JSON export's pageToken. A token names the last match of a page by its sort value and id, so the
next page is one indexed range however deep it goes, and every match that stays is listed once however
many trials are published or withdrawn between two pages. Tokens are signed: opaque to clients, and a
changed one, or one from another sort, is refused (BadToken).

Best match and nearest site are scores of the moment, not stored values to page by: those searches page
by last update, as a best-match export on PostgreSQL always has (trials.search.exports.matching_ids).
"""

from datetime import date

from django.core import signing
from django.db.models import F, Q

SALT = "trials.search.keyset"
KEYS = {"updated": "last_update", "start": "start_date", "enrollment": "enrollment", "title": "title"}
DATES = {"last_update", "start_date"}
ASCENDING = {"title"}  # A–Z and never empty; the others newest or largest first, trials without a value last


class BadToken(ValueError):
    pass


def paged_sort(criteria):
    """The sort the pages follow: the search's own, or last update for best match and nearest site."""
    return criteria.sort if criteria.sort in KEYS else "updated"


def page(criteria, size, token=None):
    """(ids of up to `size` matches after the token's position, in order; the token of the next page or None)."""
    sort = paged_sort(criteria)
    key = KEYS[sort]
    if key in ASCENDING:
        entries = criteria.filtered().order_by(key, "pk")
    else:
        entries = criteria.filtered().order_by(F(key).desc(nulls_last=True), "-pk")
    if token:
        entries = entries.filter(_after(key, *_read(token, sort)))
    rows = list(entries.values_list("pk", key)[: size + 1])
    if len(rows) <= size:
        return [pk for pk, _ in rows], None
    last_pk, last_value = rows[size - 1]
    value = last_value.isoformat() if isinstance(last_value, date) else last_value
    return [pk for pk, _ in rows[:size]], signing.dumps([sort, value, last_pk], salt=SALT)


def _read(token, sort):
    """(sort value, id) of the match a token names; BadToken if it was not made here for this sort."""
    try:
        token_sort, value, pk = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise BadToken("pageToken is not one this export gave") from error
    if token_sort != sort:
        raise BadToken("pageToken belongs to an export in another order: keep the sort of the first page")
    return (date.fromisoformat(value) if KEYS[sort] in DATES and value is not None else value), pk


def _after(key, value, pk):
    """The matches after (value, pk) in the paged order."""
    if key in ASCENDING:
        return Q(**{f"{key}__gt": value}) | Q(**{key: value, "pk__gt": pk})
    if value is None:
        return Q(**{f"{key}__isnull": True, "pk__lt": pk})
    return Q(**{f"{key}__lt": value}) | Q(**{key: value, "pk__lt": pk}) | Q(**{f"{key}__isnull": True})
