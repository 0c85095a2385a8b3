#!/usr/bin/env python
"""The results page in one process: the largest bundled results record and a made-up one with 20 outcome
measures and 80 adverse-event terms, each rendered cold (nothing cached), p50 and p95 ms.

    .venv/bin/python bench/results_bench.py [--repeats 50] [--postgres]

A fresh database (SQLite in a temp file, or PostgreSQL through scripts/with-postgres.sh) gets the bundled
samples and the made-up record (tests/factories.py many_results) imported; each request goes through the
Django test client with the cache cleared first, so the page is read and rendered every time. Prints a table;
writes nothing (bench/RESULTS.md is kept by hand for this one).
"""

import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from child import measured, setup_django

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "sample"


def largest_results_record():
    """The bundled record whose resultsSection is the largest, as JSON text."""
    sizes = {}
    for path in SAMPLES.glob("NCT*.json"):
        results = json.loads(path.read_text(encoding="utf-8")).get("resultsSection")
        if results:
            sizes[path.stem] = len(json.dumps(results))
    return max(sizes, key=sizes.get)


def measure(repeats):
    setup_django()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import import_paths
    from tests.factories import many_results

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("import_ctgov", str(SAMPLES), verbosity=0)
    made_up = many_results(measures=20, terms=80, groups=4)
    made_up["protocolSection"]["identificationModule"]["nctId"] = "NCT99999920"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "NCT99999920.json"
        path.write_text(json.dumps(made_up), encoding="utf-8")
        assert import_paths(path).failures == []
    pages = {
        f"{largest_results_record()} (largest bundled)": largest_results_record(),
        "NCT99999920 (20 measures x 4 groups, 80 AE terms)": "NCT99999920",
    }
    client = Client()
    rows = {}
    for name, nct_id in pages.items():
        timings = []
        for _ in range(repeats + 1):  # the first warms the templates up and is not counted
            cache.clear()
            began = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(f"/trials/{nct_id}/results/", secure=True)
            timings.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (nct_id, response.status_code)
        timings = sorted(timings[1:])
        rows[name] = {
            "p50": statistics.median(timings),
            "p95": timings[min(len(timings) - 1, round(0.95 * len(timings)))],
            "queries": len(captured),
            "kb": len(response.content) / 1024,
        }
    return {"vendor": connection.vendor, "rows": rows}


def main():
    args, run = measured(__doc__, measure, repeats=50)
    print(
        f"Results page on {run['vendor']}, {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, production settings; cache cleared before each of {args.repeats} requests."
    )
    print()
    print("| record | p50 ms | p95 ms | queries | page KiB |")
    print("|---|---:|---:|---:|---:|")
    for name, row in run["rows"].items():
        print(f"| {name} | {row['p50']:.1f} | {row['p95']:.1f} | {row['queries']} | {row['kb']:.0f} |")


if __name__ == "__main__":
    main()
