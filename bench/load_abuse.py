"""The load bench's abuse run (bench/load_bench.py): 24 connections browse, first alone, then while 8 clients pull
full exports (every JSON page, then the whole CSV) as fast as they can, each from its own loopback address.

Browsing should keep at least half its requests/s with a p95 under 1 s, and every export answer should be a
whole file (each JSON page parses; the CSV has a row per trial) or a refusal (429), never a 200 cut short.
"""

import http.client
import json
import threading
import time
from collections import Counter

from load_stack import Wrk

BROWSERS, EXPORTERS = 24, 8
RETRY_SECONDS = 1  # abusive clients: they retry a refused export after a second, whatever Retry-After says


def exporter(port, number, trials, stop, counts):
    """One client from 127.0.0.(10 + number): a full JSON export page by page, then the full CSV, again and again."""
    address = (f"127.0.0.{10 + number}", 0)
    token, fetched, want_csv = None, 0, False
    while not stop.is_set():
        path = "/trials/export.csv" if want_csv else "/trials/export.json" + (f"?pageToken={token}" if token else "")
        kind = "CSV" if want_csv else "JSON page"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=address)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):  # a body cut short (IncompleteRead), a reset, a timeout
            counts[f"{kind}: cut"] += 1
            token, fetched, want_csv = None, 0, False
            continue
        finally:
            connection.close()
        if response.status == 429:
            counts[f"{kind}: refused (429)"] += 1
            time.sleep(RETRY_SECONDS)
            continue
        if response.status != 200:
            counts[f"{kind}: {response.status}"] += 1
        elif want_csv:
            whole = body.decode().count("\r\n") == trials + 1  # the header and a row per trial
            counts["CSV: " + ("complete" if whole else "cut")] += 1
            want_csv = False
        else:
            try:
                page = json.loads(body)
            except ValueError:
                counts["JSON page: cut"] += 1
                token, fetched = None, 0
                continue
            counts["JSON page: complete"] += 1
            fetched += len(page["studies"])
            token = page.get("nextPageToken")
            if token is None:
                whole = fetched == page["totalCount"] == trials
                counts["full JSON exports: " + ("complete" if whole else "short")] += 1
                fetched, want_csv = 0, True


def abuse_run(portal, browse_file, trials, seconds):
    """Browsing alone, then under abuse, each for `seconds`: {"alone": wrk result, "abused": ..., "exports": counts}."""
    alone = Wrk(portal.base, browse_file, seconds, connections=BROWSERS).result()
    stop, counts = threading.Event(), [Counter() for _ in range(EXPORTERS)]  # one each: no two threads write one
    port = int(portal.base.rsplit(":", 1)[1])
    clients = [
        threading.Thread(target=exporter, args=(port, number, trials, stop, counts[number]), daemon=True)
        for number in range(EXPORTERS)
    ]
    for client in clients:
        client.start()
    time.sleep(2)  # the exports under way before browsing is measured
    try:
        abused = Wrk(portal.base, browse_file, seconds, connections=BROWSERS).result()
    finally:
        stop.set()
        for client in clients:
            client.join(90)
    return {
        "alone": alone,
        "abused": abused,
        "exports": dict(sum(counts, Counter())),
        "boots": portal.worker_boots(),
        "recycles": portal.worker_recycles(),
    }


def abuse_report(facts, run):
    alone, abused = run["alone"], run["abused"]
    ratio = abused["rps"] / alone["rps"]
    lines = [
        "## Abuse: full exports while others browse (`bench/load_bench.py --abuse-only`)",
        "",
        f"{facts['trials']:,} generated trials in PostgreSQL {facts['pg_version']}, gunicorn as `make serve` runs it "
        f"({facts['workers']} sync workers, EXPORT_SLOTS default), one {facts['cores']}-core machine shared with "
        f"PostgreSQL and the clients. {BROWSERS} wrk connections browse (the realistic mix without its exports) "
        f"for {facts['seconds']} s alone, then {facts['seconds']} s while {EXPORTERS} clients, each from its own "
        f"address, pull full exports (every JSON page, then the whole CSV) and retry a refusal after "
        f"{RETRY_SECONDS} s.",
        "",
        "| browsing | requests/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, result in (("alone", alone), ("under abuse", abused)):
        latency = result["latency_us"]
        lines.append(
            f"| {label} | {result['rps']:,.1f} | {latency['p50'] / 1000:.0f} | {latency['p95'] / 1000:.0f} | "
            f"{latency['p99'] / 1000:.0f} | {result['error_count']} |"
        )
    lines += ["", f"Browsing under abuse keeps **{ratio:.0%}** of its requests/s (target ≥ 50%, p95 < 1 s).", ""]
    lines += ["| export answers | count |", "|---|---:|"]
    lines += [f"| {kind} | {count:,} |" for kind, count in sorted(run["exports"].items())]
    replaced = run["boots"] - facts["workers"] - run["recycles"]
    lines += [
        "",
        f"Workers replaced by gunicorn during the run (killed by its timeout): {replaced}; recycled after "
        f"max_requests, as planned: {run['recycles']}.",
    ]
    return "\n".join(lines)
