"""Keeps the search index (SearchEntry rows and the database's text index) in step with the trials.

Only published trials are indexed: drafts, trials in review and pending revisions are
never searched, counted, exported or fed, as every search surface reads the index.

Called by trials.changes after every change to trials, and by `manage.py rebuild_search_index`
for everything.
"""

from django.db import transaction

from trials.models import SearchEntry, Trial

from .backends import backend
from .cached import bump_index_version
from .documents import documents_for

BATCH_SIZE = 1000

ENTRY_FIELDS = {  # SearchEntry field: Trial field it copies
    "status": "overall_status",
    "phase": "phase",
    "study_type": "study_type",
    "lead_sponsor_id": "lead_sponsor_id",
    "sponsor_class": "lead_sponsor__agency_class",
    "has_results": "has_results",
    "sex": "sex",
    "healthy_volunteers": "healthy_volunteers",
    "minimum_age_years": "minimum_age_years",
    "maximum_age_years": "maximum_age_years",
    "start_date": "start_date",
    "last_update": "last_update_posted_date",
    "enrollment": "enrollment_count",
}


def update(trial_ids):
    """Rewrite the entries and text of these trials (ids of trials no longer published or stored are dropped)."""
    trial_ids = list(trial_ids)
    for start in range(0, len(trial_ids), BATCH_SIZE):
        _update_batch(trial_ids[start : start + BATCH_SIZE])


@transaction.atomic
def _update_batch(trial_ids):
    rows = Trial.objects.published().filter(pk__in=trial_ids).values("pk", "brief_title", *ENTRY_FIELDS.values())
    entries = [
        SearchEntry(
            trial_id=row["pk"],
            title=row["brief_title"].lower()[:500],
            bucket=row["pk"] % SearchEntry.SAMPLE_BUCKETS,
            **{name: row[source] for name, source in ENTRY_FIELDS.items()},
        )
        for row in rows
    ]
    SearchEntry.objects.filter(trial_id__in=trial_ids).delete()
    SearchEntry.objects.bulk_create(entries)
    backend().write(documents_for([entry.trial_id for entry in entries]), removed=trial_ids)
    bump_index_version()  # figures cached from the index (trials.search.cached) are stale from now on


def update_missing():
    """Index the published trials that have no entry yet (e.g. stored before search existed)."""
    update(Trial.objects.published().filter(search_entry__isnull=True).values_list("pk", flat=True))


def rebuild():
    """Index every trial again; returns how many."""
    SearchEntry.objects.all().delete()
    backend().clear()
    trial_ids = list(Trial.objects.published().values_list("pk", flat=True))
    update(trial_ids)
    return len(trial_ids)
