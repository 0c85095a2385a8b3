"""The page for a request that failed: 503 while the database cannot be reached (or is locked), else 500.

Django calls server_error from inside its exception handler (after logging the error with the
request id), so the exception is still at hand. Neither page touches the database. A failed write
(POST and the like) says the change was not saved: every staff write is one transaction, so a
database error leaves none of it.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

RETRY_AFTER_SECONDS = 30
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")  # requests that change nothing
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)  # no connection, server restarting, connection lost


def server_error(request):
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        write_failed = request.method not in SAFE_METHODS
        response = HttpResponse(loader.render_to_string("503.html", {"write_failed": write_failed}), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500)
