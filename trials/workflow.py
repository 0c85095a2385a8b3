"""The review workflow: every trial is a Draft, In review or Published, and only published trials are public.

A published trial is never edited in place. Staff start a *revision*: a copy of the
record (same NCT ID, `revision_of` pointing at the published trial) that they edit,
submit and preview while the public keeps seeing the published version. When a reviewer
publishes the revision, its record is written over the published trial's through the
importer's own path (API v2 JSON: the same checks, every related row replaced), the
copy is deleted, and the trial's "last update posted" becomes today.

Each step stores a version (trials.history) with who did it.
"""

from django.db import transaction
from django.utils import timezone

from . import history
from .choices import DatePrecision, DateType, Publication
from .models import Trial
from .registry import SharedRows, parse_study, save_studies, study_json
from .search import index as search_index


def _study(trial):
    """The trial as API v2 study JSON, read fresh from the database."""
    return study_json(Trial.objects.for_export().get(pk=trial.pk))


def current_record(trial):
    """The trial's protocol section as its rows now say."""
    return _study(trial)["protocolSection"]


def record_edit(trial, user, reason="Edited", created=False):
    """Store a version after staff changed a trial (its row and related rows), unless nothing changed.

    The trial's updated_at moves on too, even when only related rows changed: it dates the record
    pages' ETag (trials.views.conditional), so browsers and caches fetch the pages again.
    """
    Trial.objects.filter(pk=trial.pk).update(updated_at=timezone.now())
    history.record_change(trial, current_record(trial), user, reason, created=created)


def shared_row_changed(trials):
    """A sponsor, investigator or condition was edited: the pages and search text of its trials show it."""
    trial_ids = list(trials.values_list("pk", flat=True))
    # A subquery, not the list: a shared row can have more trials than PostgreSQL takes bound parameters (65,535)
    Trial.objects.filter(pk__in=trials.values("pk")).update(updated_at=timezone.now())
    search_index.update(trial_ids)  # in batches


def _move(trial, source, target, user, reason):
    """Move the trial from state `source` to `target`; False (and nothing done) when it was not in `source`."""
    if trial.publication != source:
        return False
    trial.publication = target
    trial.save(update_fields=["publication", "updated_at"])
    search_index.update([trial.pk])
    record_edit(trial, user, reason)
    return True


@transaction.atomic
def submit(trial, user):
    """Draft -> In review. Returns False when the trial was not a draft."""
    return _move(trial, Publication.DRAFT, Publication.IN_REVIEW, user, "Submitted for review")


@transaction.atomic
def unpublish(trial, user):
    """Published -> Draft: off every public page at once. Returns False when it was not published."""
    return _move(trial, Publication.PUBLISHED, Publication.DRAFT, user, "Unpublished")


@transaction.atomic
def publish(trial, user):
    """Make a draft or a trial in review public, or a revision live; returns the published trial (or None).

    Raises registry.RecordError when a revision's record breaks a record rule.
    """
    if trial.publication == Publication.PUBLISHED:
        return None
    if trial.revision_of_id:
        return _publish_revision(trial, user)
    today = timezone.localdate()
    trial.publication = Publication.PUBLISHED
    trial.last_update_posted_date, trial.last_update_submitted_date = today, today
    trial.last_update_posted_date_precision = trial.last_update_submitted_date_precision = DatePrecision.DAY
    trial.last_update_posted_date_type = DateType.ACTUAL
    if not trial.first_posted_date:
        trial.first_posted_date, trial.first_posted_date_precision = today, DatePrecision.DAY
        trial.first_posted_date_type = DateType.ACTUAL
    trial.save()
    search_index.update([trial.pk])
    record_edit(trial, user, "Published")
    return trial


def _publish_revision(revision, user):
    published = revision.revision_of
    study = _study(revision)
    status = study["protocolSection"].setdefault("statusModule", {})
    today = timezone.localdate().isoformat()
    status["lastUpdateSubmitDate"] = today
    status["lastUpdatePostDateStruct"] = {"date": today, "type": DateType.ACTUAL}
    data = parse_study(study)
    revision.delete()
    save_studies([(data, published)], SharedRows(), user=user, reason="Published a revision")
    return published


@transaction.atomic
def start_revision(trial, user):
    """The pending revision of a published trial: the existing one, or a new copy of its record."""
    existing = Trial.objects.filter(revision_of=trial).first()
    if existing is not None:
        return existing
    data = parse_study(_study(trial))
    data.fields.update(publication=Publication.DRAFT, revision_of=trial)
    (revision,) = save_studies([(data, None)], SharedRows(), user=user, reason="Revision started")
    return revision
