#!/usr/bin/env python
"""Record pages in one process: every section of every bundled sample, cold (nothing cached), median ms.

    .venv/bin/python bench/record_bench.py [--rounds 5] [--postgres]

A fresh database (SQLite in a temp file, or PostgreSQL through scripts/with-postgres.sh)
gets the bundled samples imported; then each round requests every section of every trial
through the Django test client with the cache cleared first, so each page is rendered from
its queries. Prints a table (median ms per page and queries per page, by section) and
rewrites its section of bench/RESULTS.md. Compare two checkouts by running each.
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
SECTIONS = ["", "design/", "groups/", "eligibility/", "contacts/", "history/", "full/"]


def measure(rounds):
    setup_django()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("import_ctgov", str(ROOT / "data" / "sample"), verbosity=0)
    nct_ids = sorted(path.stem for path in (ROOT / "data" / "sample").glob("NCT*.json"))
    client = Client()
    timings = {section: [] for section in SECTIONS}
    queries = {}
    for _ in range(rounds + 1):  # the first round warms the templates up and is not counted
        for section in SECTIONS:
            for nct_id in nct_ids:
                cache.clear()
                began = time.perf_counter()
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(f"/trials/{nct_id}/{section}", secure=True)
                timings[section].append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200, (nct_id, section, response.status_code)
                queries[section] = max(queries.get(section, 0), len(captured))
    warm = len(nct_ids)
    results = {
        section or "overview": {"ms": statistics.median(timings[section][warm:]), "queries": queries[section]}
        for section in SECTIONS
    }
    return {"vendor": connection.vendor, "trials": len(nct_ids), "results": results}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.rounds)))
        return
    me = [sys.executable, str(Path(__file__).resolve()), "--child", "--rounds", str(args.rounds)]
    if args.postgres:
        run = run_child([str(ROOT / "scripts" / "with-postgres.sh"), *me], dict(os.environ))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run = run_child(me, {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"})
    lines = [
        "## Record pages in one process (`bench/record_bench.py`)",
        "",
        f"The {run['trials']} bundled samples on {run['vendor']}, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, production settings; every section of every trial, cache cleared "
        f"before each request, {args.rounds} rounds after a warm-up: median ms per page, and the most queries "
        "any trial's page took.",
        "",
        "| section | ms | queries |",
        "|---|---:|---:|",
        *(f"| {name} | {value['ms']:.2f} | {value['queries']} |" for name, value in run["results"].items()),
    ]
    table = "\n".join(lines)
    print(table)
    write_section("records", table)


if __name__ == "__main__":
    main()
