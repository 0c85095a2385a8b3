"""The load bench's fault run: the mix while PostgreSQL is stopped and started again, probed every few ms,
and what the portal's own logs say of it (bench/load_bench.py)."""

import contextlib
import http.client
import json
import re
import threading
import time
from collections import Counter, defaultdict

from load_stack import Wrk, get, query

SECTIONS = {"record overview": "", "record design": "design/", "record groups": "groups/"}
SECTIONS |= {"record eligibility": "eligibility/", "record contacts": "contacts/"}
OK_STATUS = re.compile(r"^[23]\d\d$")
CHECKSUM_SQL = """
    SELECT count(*), coalesce(max(id), 0), coalesce(sum(enrollment_count), 0),
           md5(coalesce(string_agg(nct_id || ' ' || updated_at::text, ',' ORDER BY id), '')),
           (SELECT count(*) FROM trials_searchentry), (SELECT count(*) FROM trials_location)
    FROM trials_trial
"""


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
    boots, recycles, (access_from, errors_from) = portal.worker_boots(), portal.worker_recycles(), offsets(portal)
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
        "worker_recycles": portal.worker_recycles() - recycles,
        "gunicorn_alive": portal.process.poll() is None,
        "server": server,
    }
