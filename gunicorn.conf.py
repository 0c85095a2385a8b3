"""Gunicorn settings for `make serve` (gunicorn reads ./gunicorn.conf.py by default).

Each value can be changed from the environment without editing this file.
"""

import gc
import json
import multiprocessing
import os
from datetime import UTC, datetime

from gunicorn.glogging import Logger
from pythonjsonlogger.json import JsonFormatter

wsgi_app = "portal.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")
# Synchronous workers: the portal's pages are short database reads, so one process per request in flight.
# Gunicorn's rule of thumb, two per core plus one, keeps the cores busy while some workers wait on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # a worker silent this long is killed and replaced
graceful_timeout = 30  # on reload or stop, requests in flight get this long to finish
keepalive = 5  # seconds an idle keep-alive connection stays open (behind a load balancer)
max_requests = 10000  # recycle workers now and then, with jitter so they do not all restart together
max_requests_jitter = 1000
# The application is loaded once, in the master, and each worker is forked from it ready to answer (on_starting below):
# a recycled or replaced worker starts in milliseconds and shares the master's memory. A code change needs a restart
# (a HUP re-forks workers from the old code).
preload_app = True
errorlog = "-"
accesslog = "-"


class JSONLogger(Logger):
    """Gunicorn's own log and its access log as one JSON object a line, like the portal's (LOGGING in settings)."""

    def setup(self, cfg):
        super().setup(cfg)
        formatter = JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
        for handler in self.error_log.handlers:
            handler.setFormatter(formatter)

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "logger": "gunicorn.access",
            "request_id": next((value for name, value in resp.headers if name.lower() == "x-request-id"), None),
            "method": atoms["m"],
            "path": atoms["U"],
            "query": atoms["q"],
            "status": resp.status_code,
            "bytes": atoms["B"],
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote": atoms["h"],
            "user_agent": atoms["a"],
        }
        self.access_log.info(json.dumps(entry))


logger_class = JSONLogger
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """Build in the master what a worker's first request of a kind would otherwise build: the place list of near
    searches (trials/geo.py, ~3.5 s and ~300 MB). Each worker forked after shares it copy-on-write.

    gc.freeze() keeps it shared: a worker's full garbage collection leaves frozen objects alone, where it would
    otherwise write to (and so copy) ~55 MB of the master's pages. Nothing here may open a database connection, which
    every fork would share. tests/test_serve.py times a new worker's first near search and checks the master holds no
    database open.
    """
    from trials import geo

    geo.gazetteer()
    gc.freeze()
