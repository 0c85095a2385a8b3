#!/usr/bin/env python
"""What one change to a trial costs at scale: the one change path (trials.changes) per kind of write.

    .venv/bin/python bench/change_bench.py [--sqlite 10000,100000] [--postgres 10000] [--repeat 5]

Each (database, N) runs in a child process on a fresh database holding N generated trials
(bench/search_bench.py's generator) with their related-trials lists built. Every change goes
through trials.changes as the portal's own write paths do: a trial published, a staff edit, a
sponsor renamed (its trials re-dated, re-indexed and versioned), and the full rebuild of every
related list that an import's finish() runs. Median of --repeat, in ms. Prints a table and
rewrites its section of bench/RESULTS.md.
"""

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from child import arguments, database_name, generated, run_children, setup_django
from report import write_section


def timed(action, repeat, before=None):
    timings = []
    for _ in range(repeat):
        if before:
            before()
        began = time.perf_counter()
        action()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def measure(n, repeat):
    setup_django()

    from trials import workflow
    from trials.changes import trials_changed
    from trials.models import Sponsor, Trial
    from trials.related import refresh_related

    generated(n)
    started = time.perf_counter()
    refresh_related()
    full_refresh = (time.perf_counter() - started) * 1000

    trial = Trial.objects.order_by("pk")[n // 2]
    sponsor = Sponsor.objects.filter(led_trials__isnull=False).order_by("pk").first()
    sponsor_trials = list(Trial.objects.filter(lead_sponsor=sponsor).values_list("pk", flat=True))

    def unpublish():
        workflow.unpublish(Trial.objects.get(pk=trial.pk), None)

    results = {
        "a draft published (workflow.publish)": timed(
            lambda: workflow.publish(Trial.objects.get(pk=trial.pk), None), repeat, before=unpublish
        ),
        "a published trial unpublished": timed(
            unpublish, repeat, before=lambda: workflow.publish(Trial.objects.get(pk=trial.pk), None)
        ),
        "a staff edit of one trial (trials_changed)": timed(lambda: trials_changed([trial.pk], None, "Edited"), repeat),
        "a sponsor renamed (all its trials)": timed(
            lambda: trials_changed(sponsor_trials, None, "Sponsor edited"), max(1, repeat // 2)
        ),
        "every related list rebuilt (an import's finish)": full_refresh,
        "(trials of that sponsor)": len(sponsor_trials),
    }
    version = database_name()
    return {"database": version, "n": n, "results": results}


def main():
    args = arguments(__doc__, sqlite="10000,100000", postgres="10000", repeat=5)
    if args.child:
        print(json.dumps(measure(args.child, args.repeat)))
        return

    me = [sys.executable, str(Path(__file__).resolve()), "--repeat", str(args.repeat), "--child"]
    runs = run_children(me, args.sqlite, args.postgres)

    header = " | ".join(f"{run['database'].split()[0]} {run['n']:,}" for run in runs)
    lines = [
        "## One change path (`bench/change_bench.py`)",
        "",
        f"Generated trials (bench/search_bench.py's generator) with their related lists, fresh database each, "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, production settings. "
        f"Each change through trials.changes as the portal's write paths make it; median of {args.repeat}, in ms.",
        "",
        f"| change | {header} |",
        "|---|" + "---:|" * len(runs),
    ]
    for label in runs[0]["results"]:
        cells = [f"{value:,.0f}" for value in (run["results"].get(label) for run in runs) if value is not None]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    print(table)
    write_section("changes", table)


if __name__ == "__main__":
    main()
