"""`make serve` for real: gunicorn with gunicorn.conf.py, DEBUG off, whitenoise, JSON access log."""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from .conftest import ROOT

VENV_BIN = os.path.dirname(sys.executable)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The portal under gunicorn on a free loopback port, on a fresh SQLite database.

    Yields (base URL, log, the master's process id)."""
    folder = tmp_path_factory.mktemp("serve")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "STATIC_ROOT": str(folder / "static"),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=environment, check=True, capture_output=True
        )
    log = folder / "gunicorn.log"
    with open(log, "w") as output:
        server = subprocess.Popen(
            [os.path.join(VENV_BIN, "gunicorn"), "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield base, log, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read()


def test_the_portal_is_served_with_debug_off(served):
    base, *_ = served
    status, headers, body = get(f"{base}/")
    assert status == 200 and b"Trial portal" in body
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    with pytest.raises(urllib.error.HTTPError) as missing:
        get(f"{base}/no-such-page/")
    page = missing.value.read().decode()
    assert missing.value.code == 404 and "Page not found" in page and "Traceback" not in page


def test_static_files_have_content_hashes_and_far_future_cache_headers(served):
    base, *_ = served
    stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', get(f"{base}/")[2].decode()).group(1)
    status, headers, body = get(base + stylesheet)
    assert status == 200 and headers["Content-Type"].startswith("text/css") and body
    assert headers["Cache-Control"] == "max-age=315360000, public, immutable"


def test_each_request_is_logged_as_json_with_its_request_id(served):
    base, log, _ = served
    _, headers, _ = get(f"{base}/healthz")
    request_id = headers["X-Request-ID"]
    for _ in range(50):
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        access = [line for line in lines if line.get("request_id") == request_id]
        if access:
            break
        time.sleep(0.1)
    (entry,) = access
    assert entry["logger"] == "gunicorn.access" and entry["path"] == "/healthz" and entry["status"] == 200
    assert all(line["logger"] for line in lines)  # gunicorn's own messages are JSON too


def test_a_new_workers_first_near_search_does_not_wait_for_the_place_list(served):
    """The place list (trials/geo.py, ~3.5 s to build) is built in gunicorn's master before the workers fork
    (gunicorn.conf.py, on_starting): a worker's first near search answers at once (issue 16: under 500 ms)."""
    base, _, master = served
    began = time.perf_counter()
    status, _, body = get(f"{base}/trials/?near=Lyon")  # no other test here searches near a place
    elapsed = time.perf_counter() - began
    assert status == 200 and b"We could not find this place" not in body
    assert elapsed < 2, f"first near search took {elapsed:.1f} s"
    # The master opened no database connection, which every worker forked from it would share.
    folder = f"/proc/{master}/fd"
    if os.path.isdir(folder):
        assert not [name for name in os.listdir(folder) if "db.sqlite3" in os.path.realpath(f"{folder}/{name}")]
