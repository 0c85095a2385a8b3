"""Limits on the exports, the portal's costly requests: a few at once on a host, a few a minute from one address.

Slots are lock files in settings.EXPORT_SLOT_DIR, taken with flock(LOCK_NB) by whichever worker process
streams an export. The operating system drops a process's locks when it exits, so a worker that is killed
mid-export never keeps its slot. The per-address count lives in the cache: one count for every worker
and server with CACHE_URL a Redis; each worker process its own with the default per-process memory.
"""

import fcntl
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache


class Slot:
    """One of the host's EXPORT_SLOTS, held until released (or until the process exits)."""

    def __init__(self, file):
        self.file = file

    def release(self):
        self.file.close()  # closing the file drops its lock


def take_slot():
    """A free export slot on this host, or None when all EXPORT_SLOTS are held."""
    folder = Path(settings.EXPORT_SLOT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(settings.EXPORT_SLOTS):
        file = open(folder / f"slot-{number}", "a")  # held open while the export streams
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.close()
            continue
        return Slot(file)
    return None


def seconds_over_rate(address):
    """Count an export request from this address; the seconds until it may ask again when over EXPORT_RATE a minute,
    else 0."""
    now = time.time()
    key = f"export-rate:{address}:{int(now // 60)}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # the count was evicted in between: this is the minute's first
        count = 1
    return 0 if count <= settings.EXPORT_RATE else int(60 - now % 60) + 1
