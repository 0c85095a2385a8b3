"""Read replicas: where the router sends reads and writes, what the middleware marks, and a real replica.

The first tests ask the router where a query would go, with replica aliases added to
DATABASES but never connected to. The last one starts a PostgreSQL primary and a streaming
replica and drives the site against them (tests/replica_check.py), under `make test-postgres`.
"""

import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpResponse
from django.test import RequestFactory

from portal.replicas import PIN_COOKIE, PrimaryReplicaRouter, read_from_a_replica, replica_middleware
from trials.models import Sponsor, Trial

from .conftest import ROOT

REPLICAS = ["replica_1", "replica_2"]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


@pytest.fixture
def replicas(monkeypatch):
    """Two replica aliases in DATABASES, copies of the default one that these tests never connect to."""
    for alias in REPLICAS:
        monkeypatch.setitem(django_settings.DATABASES, alias, {**django_settings.DATABASES["default"]})
    return REPLICAS


def where_reads_go(request):
    """A view answering with the alias its reads would use."""
    return HttpResponse(PrimaryReplicaRouter().db_for_read(Trial))


# The router


def test_outside_a_request_reads_and_writes_go_to_the_primary(replicas):
    router = PrimaryReplicaRouter()
    assert router.db_for_read(Trial) == "default"
    assert router.db_for_write(Trial) == "default"


def test_a_replica_read_block_uses_one_replica_for_all_its_reads_and_writes_still_go_to_the_primary(replicas):
    router = PrimaryReplicaRouter()
    with read_from_a_replica():
        aliases = {router.db_for_read(model) for model in [Trial, Sponsor, Trial, Sponsor]}
        assert router.db_for_write(Trial) == "default"
    assert len(aliases) == 1 and aliases <= set(replicas)
    assert router.db_for_read(Trial) == "default"


def test_without_replicas_a_replica_read_block_reads_the_primary():
    with read_from_a_replica():
        assert PrimaryReplicaRouter().db_for_read(Trial) == "default"


def test_reads_inside_a_write_transaction_stay_on_the_primary(replicas, db):
    # The db fixture runs each test inside a transaction on the primary.
    with read_from_a_replica():
        assert PrimaryReplicaRouter().db_for_read(Trial) == "default"


def test_relations_are_allowed_across_the_primary_and_replicas_and_migrations_run_on_the_primary(replicas):
    router = PrimaryReplicaRouter()
    trial, sponsor, elsewhere = Trial(), Sponsor(), Sponsor()
    trial._state.db, sponsor._state.db, elsewhere._state.db = "replica_2", "default", "archive"
    assert router.allow_relation(trial, sponsor) is True
    assert router.allow_relation(trial, elsewhere) is None  # not ours to decide
    assert [alias for alias in ["default", *replicas] if router.allow_migrate(alias, "trials")] == ["default"]


# The middleware


@pytest.mark.parametrize(
    "method, on_a_replica, pinned",
    [
        ("get", True, False),
        ("head", True, False),
        ("options", False, False),
        ("post", False, True),
        ("put", False, True),
        ("patch", False, True),
        ("delete", False, True),
    ],
)
def test_reads_go_to_a_replica_and_writes_pin_the_browser_to_the_primary(replicas, method, on_a_replica, pinned):
    response = replica_middleware(where_reads_go)(getattr(RequestFactory(), method)("/trials/"))
    alias = response.content.decode()
    assert alias in replicas if on_a_replica else alias == "default"
    assert (PIN_COOKIE in response.cookies) is pinned


def test_a_pinned_browser_reads_the_primary(replicas):
    request = RequestFactory().get("/trials/", headers={"cookie": f"{PIN_COOKIE}=1"})
    assert replica_middleware(where_reads_go)(request).content == b"default"


@pytest.mark.parametrize("secure", [True, False])
def test_the_pin_cookie_is_short_lived_http_only_and_as_secure_as_the_session(replicas, settings, secure):
    settings.REPLICA_PIN_SECONDS, settings.SESSION_COOKIE_SECURE = 3, secure
    cookie = replica_middleware(where_reads_go)(RequestFactory().post("/admin/")).cookies[PIN_COOKIE]
    assert (cookie["max-age"], cookie["httponly"], cookie["samesite"]) == (3, True, "Lax")
    assert bool(cookie["secure"]) is secure


def test_reads_return_to_the_primary_after_a_request_even_one_that_failed(replicas):
    def failing_view(request):
        raise ValueError("boom")

    with pytest.raises(ValueError):
        replica_middleware(failing_view)(RequestFactory().get("/trials/"))
    assert PrimaryReplicaRouter().db_for_read(Trial) == "default"


def test_without_replicas_the_middleware_steps_aside():
    with pytest.raises(MiddlewareNotUsed):
        replica_middleware(where_reads_go)


# Settings


def replica_settings(**env):
    """DATABASES aliases, replica_1's host and test mirror, and the routers, from a fresh interpreter."""
    code = (
        "import json, portal.settings as s; replica = s.DATABASES.get('replica_1', {});"
        "print(json.dumps([list(s.DATABASES), replica.get('HOST'), replica.get('TEST'), "
        "getattr(s, 'DATABASE_ROUTERS', [])]))"
    )
    environment = {"PATH": os.environ["PATH"], "SECRET_KEY": "x" * 50, **env}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_each_replica_url_is_an_alias_mirrored_in_tests_and_routed_to():
    aliases, host, test, routers = replica_settings(
        DATABASE_URL="postgres://u@primary/trials",
        DATABASE_REPLICA_URLS="postgres://u@r1/trials, postgres://u@r2/trials",
    )
    assert aliases == ["default", "replica_1", "replica_2"] and host == "r1"
    assert test == {"MIRROR": "default"}
    assert routers == ["portal.replicas.PrimaryReplicaRouter"]


def test_without_replica_urls_there_is_one_database_and_no_router():
    assert replica_settings(DATABASE_URL="postgres://u@primary/trials") == [["default"], None, None, []]


# A real primary and streaming replica


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


@pytest.fixture
def primary_and_replica():
    """A throwaway PostgreSQL primary and a streaming replica on loopback ports: their URLs.

    As scripts/with-postgres.sh does: clusters in a temp dir, fsync off, run as `nobody` when
    the tests run as root (PostgreSQL refuses root), always stopped and removed afterwards.
    """
    tmp = Path(tempfile.mkdtemp(prefix="portal-pg-replica."))
    as_owner = []
    if os.geteuid() == 0:
        os.chown(tmp, pwd.getpwnam("nobody").pw_uid, -1)
        as_owner = ["runuser", "-u", "nobody", "--"]

    def pg(program, *args):
        command = [*as_owner, str(PG_BIN / program), *map(str, args)]
        result = subprocess.run(command, cwd=tmp, capture_output=True, text=True)
        logs = "".join(log.read_text() for log in tmp.glob("*.log"))
        assert result.returncode == 0, f"{program} failed:\n{result.stdout}{result.stderr}{logs}"

    def start(name, port, options):
        options = f"-h 127.0.0.1 -p {port} -k {tmp} -c fsync=off {options}"
        pg("pg_ctl", "-D", tmp / name, "-l", tmp / f"{name}.log", "-w", "start", "-o", options)
        started.append(name)

    started = []
    primary_port, replica_port = free_ports(2)
    try:
        pg("initdb", "-D", tmp / "primary", "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale")
        # initdb's pg_hba.conf already lets 127.0.0.1 connect for replication (trust: throwaway).
        start("primary", primary_port, "-c wal_level=replica -c max_wal_senders=4")
        # -R: the copy starts as a standby (standby.signal) streaming from the primary (primary_conninfo).
        pg("pg_basebackup", "-h", "127.0.0.1", "-p", primary_port, "-U", "postgres", "-D", tmp / "replica", "-R")
        start("replica", replica_port, "-c hot_standby=on")
        yield [f"postgres://postgres@127.0.0.1:{port}/postgres" for port in (primary_port, replica_port)]
    finally:
        for name in reversed(started):
            stop = [*as_owner, PG_BIN / "pg_ctl", "-D", tmp / name, "-m", "immediate", "stop"]
            subprocess.run(stop, cwd=tmp, capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.mark.postgres
@pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
    or not (PG_BIN / "pg_basebackup").exists(),
    reason="needs PostgreSQL and its server binaries (make test-postgres; PG_BIN)",
)
def test_public_pages_read_the_replica_and_staff_writes_reach_it(primary_and_replica):
    primary, replica = primary_and_replica
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": primary,
        "DATABASE_REPLICA_URLS": replica,
        "ALLOWED_HOSTS": "testserver",
    }
    command = [sys.executable, "-m", "tests.replica_check"]
    result = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout.splitlines()[-1])

    # A real standby, streaming from the primary, that replayed the import.
    assert facts["import"].startswith("1 imported, 0 updated, 0 unchanged, 0 failed")
    assert (facts["primary_in_recovery"], facts["replica_in_recovery"], facts["streaming_standbys"]) == (False, True, 1)
    assert facts["seed_replayed_after"] is not None

    # Public pages: every query on the replica, none on the primary, no pin.
    for path, page in facts["public"].items():
        assert (page["status"], page["shows_trial"], page["pin"]) == (200, True, None), path
        assert set(page["queries"]) == {"replica_1"}, path

    # Staff log in and unpublish: writes on the primary only; each POST pins the browser.
    for step in ("login", "unpublish"):
        assert facts[step]["status"] == 302, step
        assert set(facts[step]["queries"]) == set(facts[step]["writes"]) == {"default"}, step
        assert facts[step]["pin"] == {"max-age": 10, "httponly": True, "samesite": "Lax"}, step
    assert facts["publication_on_primary"] == "DRAFT"

    # The page after the save reads the primary; once replayed, the public replica read shows it gone.
    assert facts["pinned_change_page"]["status"] == 200
    assert set(facts["pinned_change_page"]["queries"]) == {"default"}
    assert facts["unpublish_replayed_after"] is not None
    assert facts["public_after_unpublish"]["status"] == 404
    assert set(facts["public_after_unpublish"]["queries"]) == {"replica_1"}

    # When the pin expires, staff pages read the replica too: the session and user came across.
    assert facts["unpinned_change_page"]["status"] == 200
    assert set(facts["unpinned_change_page"]["queries"]) == {"replica_1"}
