#!/usr/bin/env python
"""Import speed: all bundled sample records imported into an emptied database, N rounds, on SQLite and PostgreSQL.

    .venv/bin/python bench/import_bench.py [--rounds N]

Runs one child process per database (PostgreSQL through scripts/with-postgres.sh),
prints a table and rewrites bench/RESULTS.md. Not part of the test suite: timings are noisy,
so compare the figures of one run with each other (the ratios), not across machines.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from child import run_child, setup_django
from report import write_section

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


def measure(rounds):
    """In the child: time fresh imports of the sample, then one re-import where every study is unchanged."""
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from trials.importer import Importer, read_studies
    from trials.models import Condition, Investigator, Sponsor, Trial

    call_command("migrate", verbosity=0)
    studies = list(read_studies(SAMPLE))  # read once: the benchmark times the import, not the disk

    def import_all():
        started = time.perf_counter()
        importer = Importer()
        for item in studies:
            importer.add(item)
        importer.finish()
        seconds = time.perf_counter() - started
        assert not importer.result.failures, importer.result.failures[:3]
        return seconds

    fresh = []
    for _ in range(rounds):
        for model in (Trial, Sponsor, Condition, Investigator):
            model.objects.all().delete()
        fresh.append(len(studies) / import_all())
    unchanged = len(studies) / import_all()
    return {
        "database": f"{connection.vendor} {connection.Database.sqlite_version if connection.vendor == 'sqlite' else ''}"
        f"{connection.cursor().connection.info.server_version if connection.vendor == 'postgresql' else ''}".strip(),
        "studies": len(studies),
        "rounds": rounds,
        "fresh_median": statistics.median(fresh),
        "fresh_best": max(fresh),
        "unchanged": unchanged,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.rounds)))
        return

    me = [sys.executable, str(Path(__file__).resolve()), "--child", "--rounds", str(args.rounds)]
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = run_child(me, {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"})
    postgres = run_child([str(ROOT / "scripts" / "with-postgres.sh"), *me], dict(os.environ))

    rows = [
        ("fresh import, median of rounds (studies/s)", "fresh_median"),
        ("fresh import, best round (studies/s)", "fresh_best"),
        ("re-import, all unchanged (studies/s)", "unchanged"),
    ]
    lines = [
        "## Import (`bench/import_bench.py`)",
        "",
        f"{sqlite['studies']} bundled sample studies (data/sample/) imported into an emptied database, "
        f"{args.rounds} rounds; then one re-import of the same files. {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, production settings (DEBUG off).",
        "",
        f"| | {sqlite['database']} | {postgres['database']} | PostgreSQL / SQLite |",
        "|---|---:|---:|---:|",
    ]
    for label, key in rows:
        lines.append(f"| {label} | {sqlite[key]:.0f} | {postgres[key]:.0f} | {postgres[key] / sqlite[key]:.2f} |")
    lines += ["", "Target (foundation issue): at least 300 studies/s on SQLite for a fresh import.", ""]
    table = "\n".join(lines)
    print(table)
    write_section("import", table)


if __name__ == "__main__":
    main()
