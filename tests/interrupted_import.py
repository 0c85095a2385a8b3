"""A child process of tests/test_import_killed.py, on the database DATABASE_URL names.

`python tests/interrupted_import.py stop POINT PATH…` runs import_ctgov in batches of 5, which at POINT prints
STOPPED and waits (inside whatever transaction is open there) for the test to kill it:
start (before the first batch is written), middle (the third batch written, not committed) or related (the
related-trials lists deleted, not yet written again).
`python tests/interrupted_import.py report` prints, as JSON, what the test checks of the database afterwards.
"""

import json
import os
import sys
import time
from pathlib import Path

import django


def stop_at(owner, name, call, after=False):
    """Make the call-th call of owner.name stop for good: before the original runs, or after it when `after`."""
    original, calls = getattr(owner, name), 0

    def stopping(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == call and not after:
            wait_to_be_killed()
        result = original(*args, **kwargs)
        if calls == call:
            wait_to_be_killed()
        return result

    setattr(owner, name, stopping)


def wait_to_be_killed():
    print("STOPPED", flush=True)
    time.sleep(600)


def stop(point, *paths):
    from django.core.management import call_command

    from trials import importer
    from trials.models import RelatedTrial

    importer.Importer.BATCH_SIZE = 5
    if point == "start":
        stop_at(importer, "save_studies", 1)
    elif point == "middle":
        stop_at(importer, "save_studies", 3, after=True)
    else:
        stop_at(RelatedTrial.objects, "bulk_create", 1)
    call_command("import_ctgov", *paths)


def report():
    from trials.models import RelatedTrial, Trial
    from trials.related import refresh_related

    def lists():
        return sorted(RelatedTrial.objects.values_list("trial__nct_id", "related__nct_id", "reason_value", "position"))

    published = Trial.objects.published()
    found = {
        "stored": sorted(Trial.objects.values_list("nct_id", flat=True)),
        "unindexed": list(published.filter(search_entry__isnull=True).values_list("nct_id", flat=True)),
        "without_history": list(
            Trial.objects.exclude(pk__in=Trial.history.values("id")).values_list("nct_id", flat=True)
        ),
        "stale": list(Trial.objects.filter(related_stale=True).values_list("nct_id", flat=True)),
        "related": lists(),
    }
    refresh_related()
    found["rebuilt"] = lists()
    print(json.dumps(found))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    if sys.argv[1] == "stop":
        stop(*sys.argv[2:])
    else:
        report()
