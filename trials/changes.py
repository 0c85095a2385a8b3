"""The one path every change to a trial takes: what must follow any write, done in one place.

Whoever changes trials (the importer, the admin's trial, site and shared-row saves, the
workflow's submit, publish and unpublish, merges) writes its rows, then calls
trials_changed() with the trials it changed. That function, and nothing else:

- dates the change (updated_at, which the record pages' ETag is made of);
- rewrites the trials' search entries and text (only published trials are indexed);
- forgets their cached last change, so their pages are fetched anew at once;
- stores a version of each in its history, with who did it and why (an unchanged record
  stores none);
- refreshes the related-trials lists that name them or that they should name.

The importer calls import_finished() once at the end of a run for the related lists.
trials_deleted() does the same for trials staff deleted (no date or version: the history
records the deletion itself). tests/test_changes.py holds every write path to all five.
"""

from django.db import transaction
from django.utils import timezone

from . import history, record_cache, related
from .models import Trial
from .registry import study_json
from .search import index as search_index

BATCH_SIZE = 500  # trials brought up to date at a time (a sponsor renamed can name many thousands)
# An import changing fewer trials than this, and under 1/20 of the published, refreshes only the related lists
# they touch; a larger one rebuilds them all (cheaper then, and a bounded number of ids per query).
INCREMENTAL_LIMIT, INCREMENTAL_SHARE = 2000, 20


@transaction.atomic
def trials_changed(trial_ids, user=None, reason="Edited", *, created=(), records=None, refresh_related=True):
    """Bring everything that follows from these trials up to date after their rows were written.

    trial_ids: the ids of the trials changed (ids of trials since deleted are dropped from the index).
    created: ids of trials that are new (their first version is an addition).
    records: {trial id: protocol section} when the caller has each record as written (the importer, which
    stores every version it writes); otherwise each record is read back from the rows and a version is
    stored only when it differs from the latest.
    refresh_related: False only for the importer, which refreshes the lists once when it finishes.
    Trials are brought up to date BATCH_SIZE at a time, so no query names more ids than that.
    """
    trial_ids, now = list(dict.fromkeys(trial_ids)), timezone.now()
    for start in range(0, len(trial_ids), BATCH_SIZE):
        batch = trial_ids[start : start + BATCH_SIZE]
        Trial.objects.filter(pk__in=batch).update(updated_at=now)
        search_index.update(batch)
        record_cache.forget(Trial.objects.filter(pk__in=batch).values_list("nct_id", flat=True).distinct())
        _record_versions(batch, user, reason, set(created), records)
        if refresh_related:
            related.refresh(batch)


def import_finished(trial_ids):
    """After an import run, whose batches took trials_changed(refresh_related=False): the related lists, once.

    Also indexes published trials that have no search entry yet (stored before search existed).
    """
    few = len(trial_ids) <= INCREMENTAL_LIMIT
    if trial_ids and few and len(trial_ids) * INCREMENTAL_SHARE < Trial.objects.published().count():
        related.refresh(trial_ids)
    elif trial_ids:
        related.refresh_related()
    search_index.update_missing()


@transaction.atomic
def trials_deleted(trials):
    """After trials were deleted: out of the index, their pages forgotten, the lists that named them rebuilt.

    trials: (id, NCT ID) pairs, read before the deletion.
    """
    trial_ids = [pk for pk, _ in trials]
    search_index.update(trial_ids)
    record_cache.forget({nct_id for _, nct_id in trials})
    related.refresh(trial_ids)


def _record_versions(trial_ids, user, reason, created, records):
    trials = Trial.objects.filter(pk__in=trial_ids).order_by("pk")
    if records is not None:
        trials = list(trials.defer("source_record"))  # the versions keep the records given, not the stored one
        new = [trial for trial in trials if trial.pk in created]
        history.record_versions(trials, [records[trial.pk] for trial in trials], user, reason, created=new)
        return
    for trial in trials.for_export():
        record = study_json(trial)["protocolSection"]
        history.record_change(trial, record, user, reason, created=trial.pk in created)
