#!/usr/bin/env python
"""Search latency at scale: N generated trials, a fixed mix of searches, p50/p95 through the Django test client.

    .venv/bin/python bench/search_bench.py [--sqlite 10000,100000] [--postgres 10000,100000,500000] [--repeat 15]

Each (database, N) runs in a child process on a fresh database (SQLite in a temp file,
PostgreSQL through scripts/with-postgres.sh). Trials are made by varying the bundled
sample records (status, phase, dates, enrollment, sponsor, an extra condition) and
written with bulk inserts, then indexed with the project's own search index code.
Each search of the mix is run once to warm up, then --repeat times; every response
includes the facet counts. Prints a table and rewrites its section of bench/RESULTS.md.
"""

import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

from child import arguments, database_name, run_child, setup_django
from report import write_section

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
BATCH = 2000
PG_OPTIONS = "-c shared_buffers=2GB"  # as docs/deploy.md advises: the search table and its indexes held in memory
MIX = [  # words chosen by how many of the samples have them: a few percent, as a disease word has in the registry
    ("one word", {"q": "asthma"}),
    ("two words", {"q": "epidural steroid"}),
    ("phrase", {"q": '"nerve root"'}),
    ("words + status + phase", {"q": "pain", "status": "RECRUITING", "phase": "PHASE2"}),
    ("filters only", {"status": "RECRUITING", "phase": "PHASE2", "study_type": "INTERVENTIONAL"}),
    ("page 50 of a broad query", {"q": "women", "page": "50"}),
    ("a word in most trials (beyond the mix)", {"q": "pain"}),
    ("lay words: slipped disc (beyond the mix)", {"q": "slipped disc"}),
]
STATUSES = {
    "COMPLETED": 45,
    "RECRUITING": 14,
    "UNKNOWN": 14,
    "ACTIVE_NOT_RECRUITING": 8,
    "NOT_YET_RECRUITING": 6,
    "TERMINATED": 6,
    "WITHDRAWN": 3,
    "ENROLLING_BY_INVITATION": 2,
    "SUSPENDED": 1,
}
PHASES = ["NA", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "PHASE1_PHASE2", "PHASE2_PHASE3", "EARLY_PHASE1"]


def generate(n):
    """Write n published trials varied from the samples, with conditions, interventions, keywords and sites; index them.

    Shared with bench/load_bench.py. Needs Django set up and a migrated, empty database.
    """
    from trials import mesh
    from trials.choices import Publication
    from trials.models import Condition, Intervention, Keyword, Location, Sponsor, Trial, TrialCondition
    from trials.registry import parse_study
    from trials.search import index

    bases = [parse_study(json.loads(path.read_text())) for path in sorted(SAMPLE.glob("NCT*.json"))]
    rng = random.Random(20261125)
    names = sorted({base.lead_sponsor[0] for base in bases})
    sponsors = Sponsor.objects.bulk_create(
        Sponsor(
            name=f"{name} {k}" if k else name, agency_class=rng.choice(["OTHER", "INDUSTRY", "NIH"]), slug=f"s{i}-{k}"
        )
        for i, name in enumerate(names)
        for k in range(20)
    )
    condition_names = sorted({name for base in bases for name in base.conditions})
    votes = [mesh.record_terms(base.conditions, base.record) for base in bases]  # MeSH terms, as an import sets them
    terms = {name: mesh.winner(Counter(v[name] for v in votes if name in v), {}) for name in condition_names}
    conditions = {
        c.name: c
        for c in Condition.objects.bulk_create(
            Condition(name=name, slug=f"c{i}", mesh_term=terms[name]) for i, name in enumerate(condition_names)
        )
    }
    statuses, weights = list(STATUSES), list(STATUSES.values())
    for start in range(0, n, BATCH):
        picked = [(i, bases[i % len(bases)]) for i in range(start, min(start + BATCH, n))]
        trials = []
        for i, base in picked:
            trial = Trial(**base.fields)
            trial.nct_id = f"NCT{20_000_000 + i:08d}"
            trial.publication = Publication.PUBLISHED  # only published trials are indexed and shown
            trial.overall_status = rng.choices(statuses, weights)[0]
            trial.phase = rng.choice(PHASES) if trial.study_type == "INTERVENTIONAL" else ""
            trial.start_date = date(rng.randint(2000, 2026), rng.randint(1, 12), 1)
            trial.last_update_posted_date = date(rng.randint(2015, 2026), rng.randint(1, 12), rng.randint(1, 28))
            trial.enrollment_count = rng.randint(10, 5000)
            trial.lead_sponsor = rng.choice(sponsors)
            trial.has_results = rng.random() < 0.15
            trial.source_record = {"derivedSection": base.record.get("derivedSection", {})}  # its MeSH headings
            trials.append(trial)
        Trial.objects.bulk_create(trials, batch_size=500)  # ~90 columns: PostgreSQL takes 65,535 parameters a query
        extra = [rng.choice(condition_names) for _ in picked]
        TrialCondition.objects.bulk_create(
            TrialCondition(
                trial=trial, condition=conditions[name], position=k, mesh_term=votes[i % len(bases)].get(name)
            )
            for trial, (i, base), more in zip(trials, picked, extra, strict=True)
            for k, name in enumerate(dict.fromkeys([*base.conditions, more]))
        )
        Keyword.objects.bulk_create(
            Keyword(trial=trial, term=term, position=k)
            for trial, (_, base) in zip(trials, picked, strict=True)
            for k, term in enumerate(base.keywords)
        )
        Intervention.objects.bulk_create(
            Intervention(trial=trial, position=k, **values)
            for trial, (_, base) in zip(trials, picked, strict=True)
            for k, (values, _) in enumerate(base.interventions)
        )
        Location.objects.bulk_create(
            Location(trial=trial, position=k, **values)
            for trial, (_, base) in zip(trials, picked, strict=True)
            for k, (values, _) in enumerate(base.locations[:5])
        )
        index.update([trial.pk for trial in trials])


def exact_count(params):
    """How many trials a search really matches, counted without a sample."""
    from django.test import RequestFactory

    from trials.views.search import search_for

    _, criteria = search_for(RequestFactory().get("/trials/", params))
    return criteria.filtered().count()


def measure(n, repeat):
    setup_django()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # production settings serve hashed names
    started = time.perf_counter()
    generate(n)
    generated = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    client = Client()
    results = {}
    for label, params in MIX:
        response = client.get("/trials/", params, secure=True)
        assert response.status_code == 200, (label, response.status_code)
        timings = []
        for _ in range(repeat):
            # Cold: no count of this search in the cache, as for a search no one made since the index last changed.
            # The whole index's facet groups, which every search without words shares, are counted first (untimed).
            cache.clear()
            client.get("/trials/", secure=True)
            began = time.perf_counter()
            client.get("/trials/", params, secure=True)
            timings.append((time.perf_counter() - began) * 1000)
        timings.sort()
        shown = re.search(r'role="status">\s*(About )?([\d,]+) trial', response.content.decode())
        results[label] = {
            "matches": exact_count(params),
            "shown": ("about " if shown[1] else "") + shown[2].replace(",", ""),
            "off": abs(int(shown[2].replace(",", "")) - exact_count(params)) / max(1, exact_count(params)),
            "p50": statistics.median(timings),
            "p95": timings[max(0, round(0.95 * len(timings)) - 1)],
        }
    version = database_name()
    return {"database": version, "n": n, "generated_s": generated, "results": results}


def cell(result):
    """p50 / p95 (matches), and what the page showed when it was an estimate."""
    text = f"{result['p50']:.0f} / {result['p95']:.0f} ({result['matches']:,}"
    if result["shown"].startswith("about"):
        text += f"; showed about {int(result['shown'].split()[1]):,}, {result['off']:.1%} off"
    return text + ")"


def main():
    args = arguments(__doc__, sqlite="10000,100000", postgres="10000,100000,500000", repeat=15)
    if args.child:
        print(json.dumps(measure(args.child, args.repeat)))
        return

    runs = []
    for n in [int(v) for v in args.sqlite.split(",") if v]:
        me = [sys.executable, str(Path(__file__).resolve()), "--child", str(n), "--repeat", str(args.repeat)]
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(run_child(me, {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}))
        print(f"done: SQLite {n}", file=sys.stderr)
    for n in [int(v) for v in args.postgres.split(",") if v]:
        me = [sys.executable, str(Path(__file__).resolve()), "--child", str(n), "--repeat", str(args.repeat)]
        env = {**os.environ, "PG_OPTIONS": PG_OPTIONS}
        runs.append(run_child([str(ROOT / "scripts" / "with-postgres.sh"), *me], env))
        print(f"done: PostgreSQL {n}", file=sys.stderr)

    header = " | ".join(f"{run['database'].split()[0]} {run['n']:,}" for run in runs)
    lines = [
        "## Search (`bench/search_bench.py`)",
        "",
        f"Generated trials (the {len(list(SAMPLE.glob('NCT*.json')))} samples varied), fresh database each, "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, production settings. "
        f"In-process through the Django test client; every page includes its facet counts. "
        f"Each search run once to warm up, then {args.repeat} times cold (the cache cleared, then the empty search "
        f"opened untimed: it counts the whole index's facet groups, which every search without words shares): "
        f"p50 / p95 in ms (matches in brackets; where the page shows an estimate, what it showed and how far off). "
        f"PostgreSQL started with `{PG_OPTIONS}`.",
        "",
        f"| search | {header} |",
        "|---|" + "---:|" * len(runs),
    ]
    for label, _ in MIX:
        cells = [cell(run["results"][label]) for run in runs]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("| generate + index (s) | " + " | ".join(f"{run['generated_s']:.0f}" for run in runs) + " |")
    lines += [
        "",
        "Targets (search at registry scale issue): p95 under 150 ms for every search of the mix at 500k on "
        "PostgreSQL (a word in most trials under 400 ms), under 60 ms at 100k; under 150 ms at 100k on SQLite.",
    ]
    table = "\n".join(lines)
    print(table)
    write_section("search", table)


if __name__ == "__main__":
    main()
