"""What the benchmarks share: each measures in a child process on a fresh database, with production settings."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django():
    """Django set up in this (child) process with production settings: DEBUG off, a throwaway secret."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()


def database_name():
    """The database and its version, e.g. "SQLite 3.40.1" or "PostgreSQL 150018"."""
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    return f"PostgreSQL {connection.cursor().connection.info.server_version}"


def run_child(command, env):
    """Run a child measurement; its last line of output is its result as JSON."""
    completed = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    if completed.returncode:
        sys.stderr.write(completed.stderr[-3000:])
        raise SystemExit(f"benchmark child failed: {' '.join(command)}")
    return json.loads(completed.stdout.strip().splitlines()[-1])
