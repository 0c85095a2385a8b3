"""What the benchmarks share: each measures in a child process on a fresh database, with production settings."""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
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


def run_on(command, postgres):
    """One child measurement on PostgreSQL (through scripts/with-postgres.sh) or on SQLite in a temp file."""
    if postgres:
        return run_child([str(ROOT / "scripts" / "with-postgres.sh"), *command], dict(os.environ))
    with tempfile.TemporaryDirectory() as tmp:
        return run_child(command, {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"})


def measured(doc, measure, **options):
    """The parent's parsed arguments and its child's result; in the child (--child), print measure(**options)'s.

    options are the measurement's own --name=default options, passed on to the child as given.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    for name, default in options.items():
        parser.add_argument(f"--{name}", type=type(default), default=default)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    chosen = {name: getattr(args, name) for name in options}
    if args.child:
        print(json.dumps(measure(**chosen)))
        raise SystemExit(0)
    me = [sys.executable, sys.argv[0], "--child", *(f"--{name}={value}" for name, value in chosen.items())]
    return args, run_on(me, args.postgres)


def run_children(command, sqlite, postgres, env=None):
    """Each child measurement, `command` with a trial count added, in order: SQLite in a temp file for each count of
    `sqlite`, then PostgreSQL through scripts/with-postgres.sh for each count of `postgres` (comma-separated text)."""
    env = dict(os.environ if env is None else env)
    runs = []
    for n in [int(v) for v in sqlite.split(",") if v]:
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(run_child([*command, str(n)], {**env, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}))
        print(f"done: SQLite {n}", file=sys.stderr)
    for n in [int(v) for v in postgres.split(",") if v]:
        runs.append(run_child([str(ROOT / "scripts" / "with-postgres.sh"), *command, str(n)], env))
        print(f"done: PostgreSQL {n}", file=sys.stderr)
    return runs


def generated(n):
    """In the child: a migrated database with n trials from bench/search_bench.py's generate(), analysed."""
    from django.core.management import call_command
    from django.db import connection
    from search_bench import generate

    call_command("migrate", verbosity=0)
    generate(n)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def arguments(doc, sqlite, postgres, repeat):
    """A bench's command line: trial counts on each database and repeats (and --child, how it runs itself)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--sqlite", default=sqlite, help="trial counts on SQLite (comma-separated)")
    parser.add_argument("--postgres", default=postgres, help="trial counts on PostgreSQL")
    parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    return parser.parse_args()
