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
recover by itself, with the same data before and after.

Prints a table and rewrites its section of bench/RESULTS.md. Every process it starts (PostgreSQL,
gunicorn, wrk) and its temp dir are removed on exit, Ctrl-C and errors included. Not part of the
test suite: the figures depend on the machine, compare those of one run with each other.
A default run takes about 12 minutes on 2 cores (4 of them making the 100,000 trials); to try
the harness, `--trials 5000 --duration 10` takes under 3.
"""

import argparse
import contextlib
import http.client
import itertools
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlencode

from report import write_section
from search_bench import MIX as SEARCH_MIX
from search_bench import PHASES, STATUSES

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
LUA = Path(__file__).resolve().parent / "mix.lua"
CONNECTIONS, THREADS, TIMEOUT = 32, 2, "10s"
PG_SETTINGS = {"synchronous_commit": "off"}  # a commit does not wait for its WAL flush; fsync stays on
PG_SHOWN = ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers")  # written in the results
DEFAULT_TRIALS, DEFAULT_SECONDS = 100_000, 60
WARMUP_SECONDS = 5
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
SECTIONS = {"record overview": "", "record design": "design/", "record groups": "groups/"}
SECTIONS |= {"record eligibility": "eligibility/", "record contacts": "contacts/"}
WORDS = list(dict.fromkeys(params["q"] for _, params in SEARCH_MIX if "q" in params))
SORTS = ["updated", "start", "enrollment", "title"]
OK_STATUS = re.compile(r"^[23]\d\d$")
CHECKSUM_SQL = """
    SELECT count(*), coalesce(max(id), 0), coalesce(sum(enrollment_count), 0),
           md5(coalesce(string_agg(nct_id || ' ' || updated_at::text, ',' ORDER BY id), '')),
           (SELECT count(*) FROM trials_searchentry), (SELECT count(*) FROM trials_location)
    FROM trials_trial
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path, lines=30):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def query(url, sql):
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=10) as connection:
        return connection.execute(sql).fetchall()


class Cluster:
    """A PostgreSQL cluster in a temp dir, made like scripts/with-postgres.sh makes one; stopped and started at will.

    Run as root, it belongs to the unprivileged user `nobody` (PostgreSQL refuses root).
    """

    def __init__(self, parent):
        self.dir = parent / "pg"
        self.dir.mkdir()
        self.as_owner = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "nobody")
            self.as_owner = ["runuser", "-u", "nobody", "--"]
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        self.log = self.dir / "server.log"
        self.pg("initdb", "-D", "data", "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale")

    def pg(self, program, *args):
        command = [*self.as_owner, str(PG_BIN / program), *args]
        done = subprocess.run(command, cwd=self.dir, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{program} {' '.join(args)} failed:\n{done.stdout}{done.stderr}\n{tail(self.log)}")

    def start(self):
        options = f"-h 127.0.0.1 -p {self.port} -k {self.dir} " + " ".join(
            f"-c {k}={v}" for k, v in PG_SETTINGS.items()
        )
        self.pg("pg_ctl", "-D", "data", "-l", str(self.log), "-w", "-t", "60", "-o", options, "start")

    def stop(self, mode="fast"):
        self.pg("pg_ctl", "-D", "data", "-m", mode, "-w", "stop")

    def remove(self):
        with contextlib.suppress(Exception):
            self.stop("immediate")


class Portal:
    """gunicorn with gunicorn.conf.py, as `make serve` runs it; its access log (JSON lines) and error log in files."""

    def __init__(self, tmp, env):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**env, "BIND": f"127.0.0.1:{self.port}"}
        self.access_log, self.error_log = tmp / "access.log", tmp / "error.log"
        self.process = None

    def start(self):
        with open(self.access_log, "ab") as out, open(self.error_log, "ab") as err:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "--config", "gunicorn.conf.py"],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,  # its own process group: Ctrl-C reaches this script, which stops it
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{tail(self.error_log)}")
            with contextlib.suppress(OSError):
                if get(self.base + "/healthz", timeout=2)[0] == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not ready after 60 s:\n{tail(self.error_log)}")

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()  # the master: workers finish their request, then all exit
            try:
                self.process.wait(40)
            except subprocess.TimeoutExpired:
                pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # anything of its group still there
        self.process.wait()

    def worker_boots(self):
        return self.error_log.read_text(errors="replace").count("Booting worker")


def get(url, headers=None, timeout=15):
    """(status, headers) of a GET; HTTP errors and 304 are answers too."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


class Wrk:
    """One wrk run in the background over a file of request lines (see bench/mix.lua)."""

    def __init__(self, base, requests_file, seconds, per_second=False):
        command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", TIMEOUT, "--latency"]
        command += ["-s", str(LUA), base + "/", "--", str(requests_file), str(THREADS)]
        command += ["seconds"] if per_second else []
        self.seconds = seconds
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
        )

    def result(self):
        out, err = self.process.communicate(timeout=self.seconds + 60)
        found = re.search(r"^LOADBENCH (.*)$", out, re.M)
        if self.process.returncode or not found:
            raise RuntimeError(f"wrk failed ({self.process.returncode}):\n{out[-2000:]}\n{err[-2000:]}")
        result = json.loads(found[1])
        result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
        result["error_count"] = sum(result["errors"].values())
        return result

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def page_kind(path):
    if path == "/bench/minimal/":
        return "minimal view"
    if path == "/":
        return "home"
    if path == "/trials/":
        return "search"
    if path.startswith("/trials/export"):
        return "export CSV"
    if path.startswith("/conditions/"):
        return "condition page"
    if found := re.fullmatch(r"/trials/NCT\d+(\.json|/(\w+/)?)", path):
        if found[1] == ".json":
            return "record JSON"
        return next((kind for kind, section in SECTIONS.items() if section == (found[2] or "")), "record other")
    return "other"


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


def server_side(portal, access_from, errors_from):
    """What gunicorn logged since these offsets: statuses and durations by page kind, and the error lines."""
    statuses, durations = Counter(), defaultdict(list)
    by_kind_status = defaultdict(Counter)
    with open(portal.access_log, "rb") as log:
        log.seek(access_from)
        for line in log:
            with contextlib.suppress(ValueError):
                entry = json.loads(line)
                if entry.get("logger") == "gunicorn.access":
                    kind = page_kind(entry["path"])
                    statuses[str(entry["status"])] += 1
                    by_kind_status[kind][str(entry["status"])] += 1
                    durations[kind].append(entry["duration_ms"])
    problems = Counter()
    with open(portal.error_log, "rb") as log:
        log.seek(errors_from)
        for line in log:
            with contextlib.suppress(ValueError):
                entry = json.loads(line)
                if entry.get("level") in ("ERROR", "CRITICAL"):
                    detail = (entry.get("exc_info") or "").strip().splitlines()
                    message = re.sub(r"NCT\d+", "NCT…", str(entry.get("message", "")))[:100]
                    problems[f"{message} | {detail[-1][:160] if detail else ''}"] += 1
    return {"statuses": statuses, "durations": durations, "by_kind": by_kind_status, "problems": problems}


def offsets(portal):
    return portal.access_log.stat().st_size, portal.error_log.stat().st_size


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, round(fraction * len(ordered)) - 1)] if ordered else 0


class Prober(threading.Thread):
    """Record pages fetched every 0.1 s in the fault run: when the 503s start and stop, to a tenth of a second."""

    def __init__(self, urls):
        super().__init__(daemon=True)
        self.urls, self.answers, self.stopping = urls, [], threading.Event()

    def run(self):
        for url in self.urls:
            if self.stopping.is_set():
                return
            began = time.time()
            try:
                status, headers = get(url, timeout=15)
                retry_after = headers.get("Retry-After") if headers else None
            except (OSError, http.client.HTTPException) as error:
                status, retry_after = f"socket error ({error.__class__.__name__})", None
            self.answers.append((began, time.time() - began, status, retry_after))
            self.stopping.wait(max(0, 0.1 - (time.time() - began)))


def fault_run(portal, cluster, mix_file, probe_urls, seconds):
    """The mix under load; PostgreSQL stopped (fast) a quarter in, started again a quarter later."""
    before = query(cluster.url, CHECKSUM_SQL)[0]
    boots, (access_from, errors_from) = portal.worker_boots(), offsets(portal)
    load = Wrk(portal.base, mix_file, seconds, per_second=True)
    prober = Prober(probe_urls)
    try:
        prober.start()
        time.sleep(seconds / 4)
        events = {"stop": time.time()}
        cluster.stop("fast")
        events["stopped"] = time.time()
        time.sleep(seconds / 4)
        events["start"] = time.time()
        cluster.start()
        events["started"] = time.time()
        result = load.result()
    finally:
        prober.stopping.set()
        load.kill()
    prober.join()
    time.sleep(1)
    after = query(cluster.url, CHECKSUM_SQL)[0]
    server = server_side(portal, access_from, errors_from)

    phases = defaultdict(Counter)  # whole seconds of the clock, by what PostgreSQL was doing
    for second, counts in result["per_second"].items():
        second = int(second)
        if second + 1 <= events["stop"]:
            phase = "up"
        elif second >= events["stopped"] and second + 1 <= events["start"]:
            phase = "down"
        elif second >= events["started"]:
            phase = "restarted"
        else:
            phase = "stopping or starting"
        phases[phase].update(counts)
    first_503 = next((t for t, _, status, _ in prober.answers if t >= events["stop"] and status == 503), None)
    first_ok = next((t for t, _, status, _ in prober.answers if t >= events["started"] and status == 200), None)
    down_answers = [a for a in prober.answers if events["stopped"] <= a[0] and a[0] + a[1] <= events["start"]]
    not_ok_after = sorted(
        int(second) - events["started"]
        for second, counts in result["per_second"].items()
        if int(second) >= events["started"] and any(not OK_STATUS.match(s) for s in counts)
    )
    return {
        "wrk": result,
        "events": events,
        "phases": phases,
        "timeline": sorted((int(s), counts) for s, counts in result["per_second"].items()),
        "first_503_s": None if first_503 is None else first_503 - events["stop"],
        "recovered_s": None if first_ok is None else first_ok - events["started"],
        "last_not_ok_after_restart_s": not_ok_after[-1] + 1 if not_ok_after else 0,
        "probe_down": Counter(str(a[2]) for a in down_answers),
        "retry_after": all(a[3] for a in down_answers if a[2] == 503) and any(a[2] == 503 for a in down_answers),
        "probe_max_s": max((a[1] for a in prober.answers), default=0),
        "probe_down_max_s": max((a[1] for a in down_answers), default=0),
        "checksum_before": before,
        "checksum_after": after,
        "worker_boots": portal.worker_boots() - boots,
        "gunicorn_alive": portal.process.poll() is None,
        "server": server,
    }


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

    scenarios = [
        ("minimal", "minimal view (the ceiling)"),
        ("mix", "realistic mix"),
        ("cold", "record page, cold"),
        ("conditional", "record page, conditional (If-None-Match)"),
        ("warm", f"record page, warm (the same {HOT_PAGES} pages)"),
    ]
    warmup = Wrk(portal.base, files["mix"], WARMUP_SECONDS)
    stack.callback(warmup.kill)
    warmup.result()
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


def error_text(result):
    errors = {name: count for name, count in result["errors"].items() if count}
    if not errors:
        return "0"
    return f"**{result['error_count']:,}** (" + ", ".join(f"{name} {count:,}" for name, count in errors.items()) + ")"


def statuses_text(counts):
    return ", ".join(f"{status}: {count:,}" for status, count in sorted(counts.items())) or "–"


def report(args, facts, scenarios, results, fault):
    versions = {}
    for name in ("django", "gunicorn", "psycopg"):
        with contextlib.suppress(ImportError):
            versions[name] = __import__(name).__version__
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[1]
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    cpu = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), platform.processor()
    )
    default = args.trials == DEFAULT_TRIALS and args.duration == DEFAULT_SECONDS
    pg = facts["pg_settings"]
    lines = [
        "## Load and faults (`bench/load_bench.py`)",
        "",
        *(
            []
            if default
            else [
                f"**A short run** (the default is {DEFAULT_TRIALS:,} trials, {DEFAULT_SECONDS} s a scenario): "
                "figures indicative only.",
                "",
            ]
        ),
        f"{facts['trials']:,} generated trials (generated and indexed in {facts['generated_s']:.0f} s) in PostgreSQL "
        f"{facts['pg_version']} (fsync {pg['fsync']}, synchronous_commit {pg['synchronous_commit']}, "
        f"full_page_writes {pg['full_page_writes']}, shared_buffers {pg['shared_buffers']}), on the same machine "
        f"as the portal and the load: {platform.machine()}, {os.cpu_count()} cores ({cpu}), Python "
        f"{platform.python_version()}, Django {versions.get('django')}, gunicorn {versions.get('gunicorn')} "
        f"({facts['workers']} sync workers, gunicorn.conf.py), psycopg {versions.get('psycopg')}, DEBUG off, "
        f"no CACHE_URL (each worker's memory). wrk {wrk_version}: {CONNECTIONS} connections, {THREADS} threads, "
        f"{args.duration} s a scenario, timeout {TIMEOUT}, after a {WARMUP_SECONDS} s warm-up. {facts['etag_note']}. "
        f"Whole run: {facts['minutes']:.1f} min.",
        "",
        "| scenario | requests/s | vs minimal | p50 ms | p95 ms | p99 ms | in the app p50 / p95 ms | requests "
        "| errors | statuses |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    ceiling = results["minimal"]["rps"]
    for key, label in scenarios:
        result = results[key]
        if result is None:
            lines.append(f"| {label} | no ETag: not run | | | | | | | | |")
            continue
        latency = result["latency_us"]
        in_app = [ms for durations in result["server"]["durations"].values() for ms in durations]
        lines.append(
            f"| {label} | {result['rps']:,.0f} | {result['rps'] / ceiling:.0%} | {latency['p50'] / 1000:.0f} | "
            f"{latency['p95'] / 1000:.0f} | {latency['p99'] / 1000:.0f} | "
            f"{percentile(in_app, 0.5):.0f} / {percentile(in_app, 0.95):.0f} | {result['requests']:,} | "
            f"{error_text(result)} | {statuses_text(result['server']['statuses'])} |"
        )
    lines += [
        "",
        "Latencies as wrk saw them (with the wait for a free worker: 32 connections share the workers), "
        "and as gunicorn timed them in the app (its access log); statuses as gunicorn logged them; errors as "
        "wrk counted them (a status other than 2xx/3xx, or a connect, read, write or timeout error).",
        "",
        "Realistic mix by page, as gunicorn timed them in the app (ms):",
        "",
        "| page | share | p50 | p95 | max | statuses |",
        "|---|---:|---:|---:|---:|---|",
    ]
    server = results["mix"]["server"]
    total = sum(len(v) for v in server["durations"].values()) or 1
    for kind, durations in sorted(server["durations"].items(), key=lambda item: -percentile(item[1], 0.95)):
        lines.append(
            f"| {kind} | {len(durations) / total:.0%} | {statistics.median(durations):.0f} | "
            f"{percentile(durations, 0.95):.0f} | {max(durations):.0f} | {statuses_text(server['by_kind'][kind])} |"
        )
    problems = Counter()
    for key, _ in scenarios:
        if results[key]:
            problems.update(results[key]["server"]["problems"])
    lines += [
        "",
        "Errors logged by the portal during the scenarios: " + (f"{sum(problems.values()):,}" if problems else "none."),
    ]
    lines += [f"- {count:,} × {problem}" for problem, count in problems.most_common(8)]

    errors = sum(results[key]["error_count"] for key, _ in scenarios if results[key])
    cold = results["cold"]["rps"] / ceiling
    repeat = {key: results[key]["rps"] / ceiling for key in ("conditional", "warm") if results[key]}
    best = max(repeat.values(), default=0)
    lines += [
        "",
        "Targets (production-ready issue):",
        "",
        f"- record page cold at least 10% of the minimal view's requests/s: {cold:.0%}, "
        f"**{'met' if cold >= 0.10 else 'not met'}**",
        "- record page warm or conditional at least 50%: "
        + ", ".join(f"{key} {ratio:.0%}" for key, ratio in repeat.items())
        + f", **{'met' if best >= 0.5 else 'not met'}**",
        f"- zero errors: {errors:,}, **{'met' if errors == 0 else 'not met'}**",
    ]
    if fault:
        lines += fault_report(fault, args.fault_duration)
    return "\n".join(lines)


def fault_report(fault, seconds):
    phases, wrk_result = fault["phases"], fault["wrk"]
    down = phases.get("down", Counter())
    restarted = phases.get("restarted", Counter())
    all_statuses = sum(phases.values(), Counter())
    same = fault["checksum_before"] == fault["checksum_after"]
    count, max_id, enrollment, digest, entries, locations = fault["checksum_after"]

    def mark(ok):
        return "**met**" if ok else "**not met**"

    checks = [
        ("while down, only 503", bool(down) and set(down) == {"503"} and set(fault["probe_down"]) == {"503"}),
        ("503s carry Retry-After", fault["retry_after"]),
        ("no 500 at any time", "500" not in all_statuses),
        (
            "never hangs (no wrk timeout; while down, every probe answered within 5 s)",
            wrk_result["errors"]["timeout"] == 0 and fault["probe_down_max_s"] < 5,
        ),
        ("recovers by itself within 5 s of the restart", fault["recovered_s"] is not None and fault["recovered_s"] < 5),
        ("gunicorn neither restarted nor replaced a worker", fault["gunicorn_alive"] and fault["worker_boots"] == 0),
        ("nothing lost (same checksum before and after)", same),
    ]
    events = fault["events"]
    return [
        "",
        f"Fault run ({seconds} s of the realistic mix): PostgreSQL stopped (`pg_ctl stop -m fast`, took "
        f"{events['stopped'] - events['stop']:.1f} s) {seconds / 4:.0f} s in, started again {seconds / 4:.0f} s "
        f"later (`pg_ctl start -w`, took {events['started'] - events['start']:.1f} s); gunicorn kept running.",
        "",
        "| | figure |",
        "|---|---|",
        f"| requests/s over the run | {wrk_result['rps']:,.0f} |",
        f"| statuses while up before the stop | {statuses_text(phases.get('up', Counter()))} |",
        f"| statuses while down | {statuses_text(down)} |",
        f"| statuses while stopping or starting | {statuses_text(phases.get('stopping or starting', Counter()))} |",
        f"| statuses after the restart | {statuses_text(restarted)} |",
        f"| wrk errors | {error_text(wrk_result)} |",
        f"| slowest answer (wrk; probe; probe while down) | {wrk_result['latency_us']['max'] / 1e6:.2f} s; "
        f"{fault['probe_max_s']:.2f} s; {fault['probe_down_max_s']:.2f} s |",
        f"| first 503 after the stop began (probe, every 0.1 s) | {seconds_text(fault['first_503_s'])} |",
        f"| first 200 after PostgreSQL was ready again | {seconds_text(fault['recovered_s'])} |",
        "| error statuses after PostgreSQL was ready, until | "
        + (f"{fault['last_not_ok_after_restart_s']:.0f} s |" if fault["last_not_ok_after_restart_s"] else "none |"),
        f"| worker boots during the run | {fault['worker_boots']} |",
        f"| trials, max id, sum of enrollment, md5 of ids and update times, index entries, sites | "
        f"{count:,}, {max_id}, {enrollment:,}, {digest[:12]}, {entries:,}, {locations:,} "
        f"({'same' if same else 'DIFFERENT'} before and after) |",
        "",
        *(f"- {label}: {mark(ok)}" for label, ok in checks),
    ]


def seconds_text(value):
    return "never" if value is None else f"{value:.1f} s"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=DEFAULT_TRIALS, help="generated trials (default 100000)")
    parser.add_argument("--duration", type=int, default=DEFAULT_SECONDS, help="seconds a scenario (default 60)")
    parser.add_argument("--fault", action=argparse.BooleanOptionalAction, default=True, help="the fault run (on)")
    parser.add_argument("--fault-duration", type=int, default=60, help="seconds of the fault run (default 60)")
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
