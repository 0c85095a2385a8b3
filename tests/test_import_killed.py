"""An import killed with SIGKILL, at its start, in the middle or while it rebuilds the related trials, loses
nothing for good: the next run leaves every study stored, indexed and versioned, and every related-trials list
the one a full rebuild gives.

The import runs as `manage.py import_ctgov` would, in a child process (tests/interrupted_import.py) that stops
at the point for the test to kill it; the next run is the real command. On SQLite each test has a database file
of its own; on PostgreSQL the children share the test database, emptied after each test.
"""

import json
import os
import shutil
import signal
import subprocess
import sys

import pytest
from django.db import connection

from .conftest import ROOT, sample_paths

pytestmark = pytest.mark.django_db(transaction=True)  # on PostgreSQL, the children commit to the test database

CHILD = ROOT / "tests" / "interrupted_import.py"
STUDIES = 30  # six batches of five


def run(url, *args):
    """Run a Python child on the database at `url`; returns its output (it must succeed)."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory):
    path = tmp_path_factory.mktemp("killed") / "migrated.sqlite3"
    run(f"sqlite:///{path}", "manage.py", "migrate", "-v", "0")
    return path


@pytest.fixture
def database_url(request, tmp_path):
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    path = tmp_path / "db.sqlite3"
    shutil.copy(request.getfixturevalue("migrated_sqlite"), path)
    return f"sqlite:///{path}"


def kill_at(url, point, studies):
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    child = subprocess.Popen(
        [sys.executable, str(CHILD), "stop", point, str(studies)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    try:
        for line in child.stdout:
            if line.strip() == "STOPPED":
                os.kill(child.pid, signal.SIGKILL)
                break
            output.append(line)
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, "".join(output)


@pytest.mark.parametrize(
    ("point", "next_run"),
    [
        ("start", "30 imported, 0 updated, 0 unchanged, 0 failed"),
        ("middle", "20 imported, 0 updated, 10 unchanged, 0 failed"),  # two batches were committed, not the third
        ("related", "0 imported, 0 updated, 30 unchanged, 0 failed"),  # every study stored, no list written
    ],
)
def test_an_import_killed_at_any_point_is_completed_by_the_next_run(database_url, tmp_path, point, next_run):
    studies = tmp_path / "studies"
    studies.mkdir()
    for path in sample_paths()[:STUDIES]:
        shutil.copy(path, studies)

    kill_at(database_url, point, studies)
    assert run(database_url, "manage.py", "import_ctgov", str(studies)).startswith(next_run)

    found = json.loads(run(database_url, str(CHILD), "report"))
    assert found["stored"] == sorted(path.stem for path in sample_paths()[:STUDIES])
    assert (found["unindexed"], found["without_history"], found["stale"]) == ([], [], [])
    assert found["related"] == found["rebuilt"]
    assert len(found["related"]) > STUDIES  # the lists are there, not merely equal
