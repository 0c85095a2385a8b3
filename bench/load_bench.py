#!/usr/bin/env python
"""Load and fault test: the portal served as `make serve` serves it, with N generated trials in PostgreSQL 15.

    .venv/bin/python bench/load_bench.py [--trials 100000] [--duration 60] [--no-fault] [--fault-duration 60]

Starts a throwaway PostgreSQL 15 cluster of its own (as scripts/with-postgres.sh does, but with
fsync and full_page_writes left on; synchronous_commit off), fills it with --trials trials from
bench/search_bench.py's generator, then runs the portal as `make serve` does: migrate, collectstatic,
gunicorn with gunicorn.conf.py (DEBUG off, its default worker count), under bench.settings: the
portal's settings and URLs plus bench/minimal/, a view that reads no database and renders no template.

wrk (32 connections, 2 threads, 10 s timeout, bench/mix.lua) runs each scenario for --duration seconds:
the minimal view (the ceiling), a realistic mix (MIX_WEIGHTS), record pages of many different trials
(cold), the same few record pages sent back with the ETag they had (conditional, 304) and without it
(warm). Then the fault run: the mix again, PostgreSQL stopped after a quarter of --fault-duration and
started again a quarter later; the portal should answer 503 while it is down, never hang or 500, and
recover by itself, with the same data before and after. First of all, the abuse run (bench/load_abuse.py):
24 connections browse alone, then while 8 clients pull full exports; it has its own section of RESULTS.md,
and `--abuse-only --trials 7000 --duration 30` runs it alone in about 3 minutes.

Prints a table and rewrites its section of bench/RESULTS.md. Every process it starts (PostgreSQL,
gunicorn, wrk) and its temp dir are removed on exit, Ctrl-C and errors included. Not part of the
test suite: the figures depend on the machine, compare those of one run with each other.
A default run takes about 12 minutes on 2 cores (4 of them making the 100,000 trials); to try
the harness, `--trials 5000 --duration 10` takes under 3.
"""

import argparse
import contextlib
import itertools
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from load_abuse import abuse_report, abuse_run
from load_faults import SECTIONS, fault_run, offsets, server_side
from load_report import report
from load_stack import (
    DEFAULT_SECONDS,
    DEFAULT_TRIALS,
    PG_BIN,
    ROOT,
    VENV_BIN,
    WARMUP_SECONDS,
    Cluster,
    Portal,
    Wrk,
    get,
    query,
)
from report import write_section
from search_bench import MIX as SEARCH_MIX
from search_bench import PHASES, STATUSES

PG_SHOWN = ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers")  # written in the results
HOT_PAGES = 100  # the record pages of the conditional and warm scenarios
MIX_LINES, COLD_LINES = 20_000, 60_000  # request lines written for wrk; the cold list is never sent twice at ~1000/s

# The realistic mix, in percent of requests. Most readers land on a record (from a search engine or a link)
# and look through its sections, or search with a few filters; exports are rare and heavy.
MIX_WEIGHTS = {
    "record overview": 20,
    "record design": 6,
    "record groups": 5,
    "record eligibility": 8,
    "record contacts": 6,
    "record JSON": 4,
    "search": 36,  # see search_path(): words, filters, pages 2-5, sorts in random combinations
    "home": 8,
    "condition page": 5,
    "export CSV": 2,  # a rare word and an open status: about 1% of the trials each
}
RARE_WORDS = ["asthma", "epidural steroid"]  # in a few percent of the trials, as a disease word is in the registry
EXPORT_STATUSES = ["RECRUITING", "NOT_YET_RECRUITING"]
WORDS = list(dict.fromkeys(params["q"] for _, params in SEARCH_MIX if "q" in params))
SORTS = ["updated", "start", "enrollment", "title"]


def search_path(rng, countries):
    params = []
    if rng.random() < 0.6:
        params.append(("q", rng.choice(WORDS)))
    if rng.random() < 0.4:
        params.append(("status", rng.choices(list(STATUSES), list(STATUSES.values()))[0]))
    if rng.random() < 0.25:
        params.append(("phase", rng.choice(PHASES[:4])))
    if rng.random() < 0.2:
        params.append(("study_type", rng.choice(["INTERVENTIONAL", "OBSERVATIONAL"])))
    if rng.random() < 0.15:
        params.append(("sponsor_class", rng.choice(["INDUSTRY", "NIH", "OTHER"])))
    if rng.random() < 0.15:
        params.append(("age", rng.randint(18, 75)))
    if countries and rng.random() < 0.15:
        params.append(("country", rng.choice(countries)))
    if rng.random() < 0.3:
        params.append(("page", rng.randint(2, 5)))
    if rng.random() < 0.25:
        params.append(("sort", rng.choice(SORTS)))
    return "/trials/?" + urlencode(params) if params else "/trials/"


def mix_paths(rng, count, nct_ids, conditions, countries):
    kinds = rng.choices(list(MIX_WEIGHTS), list(MIX_WEIGHTS.values()), k=count)
    paths = []
    for kind in kinds:
        if kind in SECTIONS:
            paths.append(f"/trials/{rng.choice(nct_ids)}/{SECTIONS[kind]}")
        elif kind == "record JSON":
            paths.append(f"/trials/{rng.choice(nct_ids)}.json")
        elif kind == "search":
            paths.append(search_path(rng, countries))
        elif kind == "home":
            paths.append("/")
        elif kind == "condition page":
            paths.append(f"/conditions/{rng.choice(conditions)}/")
        else:
            query_string = urlencode({"q": rng.choice(RARE_WORDS), "status": rng.choice(EXPORT_STATUSES)})
            paths.append(f"/trials/export.csv?{query_string}")
    return paths


def write_lines(path, lines):
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def generate_child(n):
    """In the child (DATABASE_URL and settings from the parent): n trials, indexed, then VACUUM ANALYZE."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from search_bench import generate

    started = time.perf_counter()
    generate(n)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(json.dumps({"seconds": time.perf_counter() - started}))


def run(args, stack):
    began = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="portal-load."))
    stack.callback(shutil.rmtree, tmp, ignore_errors=True)
    if os.geteuid() == 0:
        tmp.chmod(0o755)  # PostgreSQL runs as nobody in tmp/pg
    cluster = Cluster(tmp)
    stack.callback(cluster.remove)
    cluster.start()
    pg_version, *pg_settings = (
        query(cluster.url, f"SELECT current_setting('{name}')")[0][0] for name in ("server_version", *PG_SHOWN)
    )
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "DATABASE_REPLICA_URLS")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": cluster.url,
        "STATIC_ROOT": str(tmp / "static"),
        # The whole load comes from one address (wrk's), so the per-address export rate, made for people, would
        # refuse the mix's exports; the abuse run still meets the export slots (EXPORT_SLOTS).
        "EXPORT_RATE": "100000",
    }
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    else:
        env.pop("WEB_CONCURRENCY", None)

    def manage(*command):
        done = subprocess.run([str(VENV_BIN / "python"), *command], cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        return done.stdout

    print(
        f"load bench: PostgreSQL {pg_version} on port {cluster.port}; migrate, {args.trials:,} trials", file=sys.stderr
    )
    manage("manage.py", "migrate", "--noinput")
    generated = json.loads(
        manage(str(Path(__file__).resolve()), "--generate", str(args.trials)).strip().splitlines()[-1]
    )["seconds"]
    manage("manage.py", "collectstatic", "--noinput", "--verbosity", "0")

    portal = Portal(tmp, env)
    stack.callback(portal.stop)
    portal.start()
    workers = json.loads(
        subprocess.run(
            [
                str(VENV_BIN / "python"),
                "-c",
                "import json, runpy; print(runpy.run_path('gunicorn.conf.py')['workers'])",
            ],
            cwd=ROOT,
            env=portal.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    print(f"load bench: {args.trials:,} trials in {generated:.0f} s; gunicorn, {workers} workers", file=sys.stderr)

    rng = random.Random(20261201)
    nct_ids = [row[0] for row in query(cluster.url, "SELECT nct_id FROM trials_trial WHERE publication = 'PUBLISHED'")]
    rng.shuffle(nct_ids)
    conditions = [row[0] for row in query(cluster.url, "SELECT slug FROM trials_condition ORDER BY slug")]
    countries = [
        row[0] for row in query(cluster.url, "SELECT DISTINCT country FROM trials_location WHERE country <> ''")
    ]
    hot, rest = nct_ids[:HOT_PAGES], nct_ids[HOT_PAGES:]
    cold, pool = rest[: min(COLD_LINES, len(rest) // 2)], rest[min(COLD_LINES, len(rest) // 2) :]
    files = {
        "minimal": write_lines(tmp / "minimal.txt", ["/bench/minimal/"]),
        "mix": write_lines(tmp / "mix.txt", mix_paths(rng, MIX_LINES, pool, conditions, countries)),
        "cold": write_lines(tmp / "cold.txt", [f"/trials/{nct_id}/" for nct_id in cold]),
        "warm": write_lines(tmp / "warm.txt", [f"/trials/{nct_id}/" for nct_id in hot]),
    }
    etags = {path: get(portal.base + path)[1].get("ETag") for path in (f"/trials/{nct_id}/" for nct_id in hot)}
    json_etag = get(f"{portal.base}/trials/{hot[0]}.json")[1].get("ETag")
    etag_note = "ETag on record pages: " + ("yes" if all(etags.values()) else "no ETag")
    etag_note += ", on record JSON: " + ("yes" if json_etag else "no ETag")
    if all(etags.values()):
        path, etag = next(iter(etags.items()))
        revalidation = get(portal.base + path, {"If-None-Match": etag})[0]
        etag_note += f"; sent back, the page answers {revalidation}"
        files["conditional"] = write_lines(tmp / "conditional.txt", [f"{p}\t{e}" for p, e in etags.items()])
    print(f"load bench: {etag_note}", file=sys.stderr)

    warmup = Wrk(portal.base, files["mix"], WARMUP_SECONDS)
    stack.callback(warmup.kill)
    warmup.result()
    if args.abuse:
        print(f"load bench: abuse run, 2 × {args.duration} s", file=sys.stderr)
        browse = [path for path in mix_paths(rng, MIX_LINES, pool, conditions, countries) if "/export." not in path]
        abused = abuse_run(portal, write_lines(tmp / "browse.txt", browse), len(nct_ids), args.duration)
        facts = {"trials": args.trials, "pg_version": pg_version, "workers": workers, "cores": os.cpu_count()}
        text = abuse_report(facts | {"seconds": args.duration}, abused)
        print(text)
        write_section("abuse", text)
    if args.abuse_only:
        return
    scenarios = [
        ("minimal", "minimal view (the ceiling)"),
        ("mix", "realistic mix"),
        ("cold", "record page, cold"),
        ("conditional", "record page, conditional (If-None-Match)"),
        ("warm", f"record page, warm (the same {HOT_PAGES} pages)"),
    ]
    results = {}
    for key, label in scenarios:
        if key not in files:
            results[key] = None
            continue
        print(f"load bench: {label}, {args.duration} s", file=sys.stderr)
        time.sleep(1)
        access_from, errors_from = offsets(portal)
        load = Wrk(portal.base, files[key], args.duration)
        stack.callback(load.kill)
        results[key] = load.result()
        time.sleep(0.5)
        results[key]["server"] = server_side(portal, access_from, errors_from)

    fault = None
    if args.fault:
        print(f"load bench: fault run, {args.fault_duration} s", file=sys.stderr)
        probes = itertools.cycle(f"{portal.base}/trials/{nct_id}/" for nct_id in pool)
        fault = fault_run(portal, cluster, files["mix"], probes, args.fault_duration)

    facts = {
        "trials": args.trials,
        "generated_s": generated,
        "workers": workers,
        "pg_version": pg_version,
        "pg_settings": dict(zip(PG_SHOWN, pg_settings, strict=True)),
        "etag_note": etag_note,
        "minutes": (time.monotonic() - began) / 60,
    }
    text = report(args, facts, scenarios, results, fault)
    print(text)
    write_section("load", text)
    errors = sum(results[key]["error_count"] for key, _ in scenarios if results[key])
    if errors:
        print(f"load bench: {errors:,} ERRORS in the load scenarios (see the table)", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=DEFAULT_TRIALS, help="generated trials (default 100000)")
    parser.add_argument("--duration", type=int, default=DEFAULT_SECONDS, help="seconds a scenario (default 60)")
    parser.add_argument("--fault", action=argparse.BooleanOptionalAction, default=True, help="the fault run (on)")
    parser.add_argument("--fault-duration", type=int, default=60, help="seconds of the fault run (default 60)")
    parser.add_argument("--abuse", action=argparse.BooleanOptionalAction, default=True, help="the abuse run (on)")
    parser.add_argument("--abuse-only", action="store_true", help="the abuse run alone, then stop")
    parser.add_argument("--workers", type=int, help="WEB_CONCURRENCY (default: gunicorn.conf.py's, 2 a core + 1)")
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate_child(args.generate)
        return
    if not shutil.which("wrk"):
        raise SystemExit("load bench: wrk not found (Debian: apt-get install wrk)")
    if not (PG_BIN / "initdb").exists():
        raise SystemExit(f"load bench: PostgreSQL 15 server binaries not found in {PG_BIN} (set PG_BIN)")

    def stop(signum, _frame):
        raise SystemExit(128 + signum)  # unwinds through the clean-ups, as Ctrl-C does

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    with contextlib.ExitStack() as stack:
        run(args, stack)


if __name__ == "__main__":
    main()
