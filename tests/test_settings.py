"""Settings come from the environment and refuse unsafe or malformed values."""

import os
import subprocess
import sys

import pytest

from .conftest import ROOT


def load_settings(**env):
    """Import portal.settings in a fresh interpreter with exactly these variables; returns the result."""
    code = "import portal.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.ALLOWED_HOSTS)"
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


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_malformed_boolean_fails_loudly(value):
    result = load_settings(DEBUG=value)
    assert result.returncode != 0
    assert f"DEBUG must be a boolean (1/0, true/false), got '{value}'" in result.stderr
