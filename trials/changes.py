"""The one path every change to a trial takes: what must follow any write, done in one place.

Whoever changes trials (the importer, the admin's trial, site and shared-row saves, the
workflow's submit, publish and unpublish, merges) writes its rows, then calls
trials_changed() with the trials it changed. That function, and nothing else:

- dates the change (updated_at), and raises the trials' lock_version, so an editor's page opened before it
  cannot save over it (trials/admin/forms.py);
- dates a change made here to a record ("edited here", edited_at: any change but an import's that changed
  the record; the registry's own dates are only ever the registry's);
- works out again the MeSH term of the conditions they name (trials.mesh);
- rewrites the trials' search entries and text (only published trials are indexed);
- stores a version of each in its history, with who did it and why (an unchanged record
  stores none);
- refreshes the related-trials lists that name them or that they should name;
- dates what every page showing them shows (pages_changed_at, which the record pages' ETag is
  made of: theirs, and those of the trials whose related lists named them or now do) and
  forgets those pages' cached last change, so they are fetched anew at once.

The importer's batches leave the related lists to import_finished(), called once at the end of a run: the
trials they wrote are marked related_stale in the same transaction as their rows, so a run killed before its
end leaves the mark, and the next run's end rebuilds those lists even when it changes nothing.
deleting() brings what follows a deletion by staff up to date (no date or version: the history
records the deletion itself). tests/test_changes.py holds every write path to all of these.
"""

from contextlib import contextmanager

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import history, mesh, record_cache, related
from .models import RelatedTrial, Trial
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
    refresh_related: False only for the importer, which marks the trials related_stale and refreshes their
    lists once when it finishes (import_finished).
    Trials are brought up to date BATCH_SIZE at a time, so no query names more ids than that.
    """
    trial_ids, now = list(dict.fromkeys(trial_ids)), timezone.now()
    for batch in _batches(trial_ids):
        Trial.objects.filter(pk__in=batch).update(
            updated_at=now, related_stale=not refresh_related, lock_version=F("lock_version") + 1
        )
        mesh.trials_changed(batch)
        search_index.update(batch)
        _record_versions(batch, user, reason, set(created), records, now)
        _pages_changed(set(batch) | (_refresh_related(batch) if refresh_related else set()), now)


def import_finished():
    """After an import run, whose batches took trials_changed(refresh_related=False): the related lists of every
    trial marked related_stale (this run's, and any an interrupted run left), once. The lists are worked out
    outside any transaction (SQLite's write lock stays free for staff meanwhile), then written with the pages'
    dates in one (killed half-way, it leaves the marks for the next run).

    Also indexes published trials that have no search entry yet (stored before search existed).
    """
    trial_ids = list(Trial.objects.filter(related_stale=True).values_list("pk", flat=True))
    few = len(trial_ids) <= INCREMENTAL_LIMIT
    if trial_ids and few and len(trial_ids) * INCREMENTAL_SHARE < Trial.objects.published().count():
        naming, rewrite = _naming(trial_ids), related.rework(trial_ids)
        with transaction.atomic():
            _pages_changed(naming | rewrite.write(), timezone.now())
    elif trial_ids:
        rewrite = related.rebuild()
        with transaction.atomic():
            rewrite.write()
            # Any list may have changed: every page gets a new ETag (cached last changes expire within seconds).
            Trial.objects.update(pages_changed_at=timezone.now())
    search_index.update_missing()


@contextmanager
def deleting(trials):
    """Around the deletion of these trials (a queryset): out of the index, their pages and those naming them
    forgotten, the related lists that named them rebuilt, the MeSH terms of their conditions worked out again."""
    with transaction.atomic():
        deleted = dict(trials.values_list("pk", "nct_id"))
        naming = _naming(deleted) - deleted.keys()
        with mesh.unlinking(list(deleted)):
            yield
        search_index.update(list(deleted))
        record_cache.forget(deleted.values())
        _pages_changed(naming | related.refresh(naming), timezone.now())


def _naming(trial_ids):
    return set(RelatedTrial.objects.filter(related_id__in=trial_ids).values_list("trial_id", flat=True))


def _refresh_related(trial_ids):
    """Refreshes the related lists for these changed trials; returns the trials whose pages show a list that
    changed or that named one of them (whose title or status shown there may have changed)."""
    naming = _naming(trial_ids)
    return naming | related.refresh(trial_ids)


def _pages_changed(trial_ids, now):
    """What the pages of these trials show changed: a new ETag, and the cached last change forgotten."""
    for batch in _batches(list(trial_ids)):
        Trial.objects.filter(pk__in=batch).update(pages_changed_at=now)
        record_cache.forget(Trial.objects.filter(pk__in=batch).values_list("nct_id", flat=True).distinct())


def _batches(ids):
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]


def _record_versions(trial_ids, user, reason, created, records, now):
    trials = Trial.objects.filter(pk__in=trial_ids).order_by("pk")
    if records is not None:
        trials = list(trials.defer("source_record"))  # the versions keep the records given, not the stored one
        new = [trial for trial in trials if trial.pk in created]
        history.record_versions(trials, [records[trial.pk] for trial in trials], user, reason, created=new)
        return
    edited = [
        trial.pk
        for trial in trials.for_export()
        if history.record_change(trial, study_json(trial)["protocolSection"], user, reason, created=trial.pk in created)
    ]
    Trial.objects.filter(pk__in=edited).update(edited_at=now)
