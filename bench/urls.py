"""The portal's URLs plus bench/minimal/: the ceiling of the load bench (bench/load_bench.py).

The minimal view goes through the same middleware as every page but reads no database and
renders no template, so its requests per second are what the server set-up allows at most.
The portal's error handlers (handler500: the 503 page while the database is down) come along.
"""

from django.http import HttpResponse
from django.urls import path

from portal.urls import *  # noqa: F403


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal, name="bench-minimal"), *urlpatterns]  # noqa: F405
