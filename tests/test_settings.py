"""Settings come from the environment and refuse unsafe or malformed values."""

import os
import subprocess
import sys

import pytest

from .conftest import ROOT


def load_settings(show="s.DEBUG, s.DATABASES['default']['ENGINE'], s.ALLOWED_HOSTS", **env):
    """Import portal.settings as s in a fresh interpreter with exactly these variables, print `show`; the result."""
    code = f"import portal.settings as s; print({show})"
    environment = {"PATH": os.environ["PATH"], **env}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)


def test_without_debug_a_secret_key_is_required():
    result = load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_debug_runs_on_sqlite_with_local_hosts_only():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 2) == [
        "True",
        "django.db.backends.sqlite3",
        "['localhost', '127.0.0.1', '[::1]']\n",
    ]


def test_production_reads_the_database_url_and_hosts():
    result = load_settings(
        SECRET_KEY="x" * 50, DATABASE_URL="postgres://u:p@db:5432/trials", ALLOWED_HOSTS="a.org,b.org"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 2) == ["False", "django.db.backends.postgresql", "['a.org', 'b.org']\n"]


def test_postgresql_prepares_repeated_statements_on_every_database_unless_turned_off():
    databases = {"DATABASE_URL": "postgres://u:p@db/trials", "DATABASE_REPLICA_URLS": "postgres://u:p@replica/trials"}
    options = "d.get('OPTIONS', {})"
    show = (
        f"[tuple({options}.get(k) for k in ('server_side_binding', 'prepare_threshold')) for d in s.DATABASES.values()]"
    )
    result = load_settings(show, SECRET_KEY="x" * 50, **databases)
    assert result.stdout == "[(True, 5), (True, 5)]\n", result.stderr
    result = load_settings(show, SECRET_KEY="x" * 50, PREPARED_STATEMENTS="off", **databases)
    assert result.stdout == "[(None, None), (None, None)]\n", result.stderr


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_malformed_boolean_fails_loudly(value):
    result = load_settings(DEBUG=value)
    assert result.returncode != 0
    assert f"DEBUG must be a boolean (1/0, true/false), got '{value}'" in result.stderr


@pytest.mark.parametrize("value", ["", "/", "/admin/", "admin"])
def test_an_admin_url_that_would_hide_the_site_or_break_fails_loudly(value):
    result = load_settings(SECRET_KEY="x" * 50, ADMIN_URL=value)
    if value == "":  # unset: the default admin/
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode != 0
    assert "ADMIN_URL must be a path like 'staff-a8f3/'" in result.stderr


@pytest.mark.parametrize("value", ["memcached://cache:11211", "redis//cache", "file:///tmp/cache"])
def test_a_cache_url_of_an_unknown_kind_fails_loudly(value):
    result = load_settings(SECRET_KEY="x" * 50, CACHE_URL=value)
    assert result.returncode != 0
    assert "CACHE_URL must start with locmem://, redis:// or rediss://" in result.stderr


@pytest.mark.parametrize("value", ["16", "16 MB", "0MB", "16MB; DROP TABLE x", "-4MB"])
def test_a_work_mem_that_is_not_a_size_fails_loudly(value):
    result = load_settings(show="s.DATABASE_WORK_MEM", SECRET_KEY="x" * 50, DATABASE_WORK_MEM=value)
    assert result.returncode != 0
    assert "DATABASE_WORK_MEM must be a size like 16MB" in result.stderr


def test_work_mem_is_16mb_unless_set():
    assert load_settings(show="s.DATABASE_WORK_MEM", SECRET_KEY="x" * 50).stdout.strip() == "16MB"
    assert load_settings(show="s.DATABASE_WORK_MEM", SECRET_KEY="x" * 50, DATABASE_WORK_MEM="64MB").stdout == "64MB\n"
