"""The load bench's table and notes for bench/RESULTS.md (bench/load_bench.py)."""

import contextlib
import os
import platform
import statistics
import subprocess
from collections import Counter
from pathlib import Path

from load_faults import percentile
from load_stack import CONNECTIONS, DEFAULT_SECONDS, DEFAULT_TRIALS, THREADS, TIMEOUT, WARMUP_SECONDS


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
    mix = results["mix"]["rps"] / ceiling
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
        "",
        "Target (search at registry scale issue):",
        "",
        f"- realistic mix at least 8% of the minimal view's requests/s: {mix:.1%}, "
        f"**{'met' if mix >= 0.08 else 'not met'}**",
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
        (
            "gunicorn neither restarted nor replaced a worker (besides recycling one after max_requests)",
            fault["gunicorn_alive"] and fault["worker_boots"] == fault["worker_recycles"],
        ),
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
        f"| worker boots during the run (of them, recycled after max_requests) | {fault['worker_boots']} "
        f"({fault['worker_recycles']}) |",
        f"| trials, max id, sum of enrollment, md5 of ids and update times, index entries, sites | "
        f"{count:,}, {max_id}, {enrollment:,}, {digest[:12]}, {entries:,}, {locations:,} "
        f"({'same' if same else 'DIFFERENT'} before and after) |",
        "",
        *(f"- {label}: {mark(ok)}" for label, ok in checks),
    ]


def seconds_text(value):
    return "never" if value is None else f"{value:.1f} s"
