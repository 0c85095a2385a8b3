"""Read replicas: a request's reads go to a streaming replica; writes and everything else to the primary.

settings.py adds one alias per DATABASE_REPLICA_URLS entry ("replica_1", "replica_2", ...), and
this router when there is at least one. Reads go to a replica only inside a request the middleware
marked as safe: a GET or HEAD from a browser that has not just written. Everything else (admin
saves, the importer and other commands, the shell, tests) reads the primary, so it sees its own
writes at once.

A replica replays the primary's changes a moment later. So after a POST, PUT, PATCH or DELETE the
middleware sets a short-lived cookie that keeps that browser's reads on the primary for
REPLICA_PIN_SECONDS (default 10): staff see their save on the next page, in the admin and on the
public site alike.
"""

import random
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections

PIN_COOKIE = "primary_pin"
READ_METHODS = {"GET", "HEAD"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# The replica this request reads from, or None: read the primary (the default outside requests).
_read_alias = ContextVar("read_alias", default=None)


def replica_aliases():
    """The configured replicas: the DATABASES entries named replica_1, replica_2, ..."""
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


@contextmanager
def read_from_a_replica():
    """Send the reads in this block to one replica chosen at random (none configured: the primary).

    One replica for the whole block, so a page's queries all see the same replica's state.
    """
    replicas = replica_aliases()
    token = _read_alias.set(random.choice(replicas) if replicas else None)
    try:
        yield
    finally:
        _read_alias.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        alias = _read_alias.get()
        # A read inside a write transaction must see that transaction: it stays on the primary.
        if alias is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        """The primary and its replicas hold the same rows, so objects read from any of them may be related."""
        databases = {DEFAULT_DB_ALIAS, *replica_aliases()}
        return True if {obj1._state.db, obj2._state.db} <= databases else None

    def allow_migrate(self, db, app_label, **hints):
        """Migrations run on the primary; replicas receive them through replication."""
        return db == DEFAULT_DB_ALIAS


def replica_middleware(get_response):
    """GET and HEAD read a replica unless this browser wrote a moment ago; a write pins it to the primary.

    Placed right after SessionMiddleware, so the session and the logged-in user are read where
    the page is. Removed at start-up (MiddlewareNotUsed) when no replica is configured.
    """
    if not replica_aliases():
        raise MiddlewareNotUsed

    def middleware(request):
        if request.method in READ_METHODS and PIN_COOKIE not in request.COOKIES:
            with read_from_a_replica():
                return get_response(request)
        response = get_response(request)
        if request.method in WRITE_METHODS:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=getattr(settings, "REPLICA_PIN_SECONDS", 10),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    return middleware
