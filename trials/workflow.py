"""The review workflow: every trial is a Draft, In review or Published, and only published trials are public.

A published trial is never edited in place. Staff start a *revision*: a copy of the
record (same NCT ID, `revision_of` pointing at the published trial) that they edit,
submit and preview while the public keeps seeing the published version. When a reviewer
publishes the revision, its record is written over the published trial's through the
importer's own path (API v2 JSON: the same checks, every related row replaced) and the
copy is deleted.

Publishing never touches the registry's dates (first and last posted and submitted, as posted on
ClinicalTrials.gov): a record changed here is dated by its own "edited here" date (Trial.edited_at,
set by trials.changes).

Each step ends with trials.changes.trials_changed (index, cache, a version with who did it,
related trials), as every other change to a trial does; discarding a revision deletes the copy
through trials.changes.deleting, as a deletion by staff does.
"""

from django.db import transaction

from . import mesh
from .changes import deleting, trials_changed
from .choices import Publication
from .models import Trial
from .registry import SharedRows, parse_study, save_studies, study_json


def _study(trial):
    """The trial as API v2 study JSON, read fresh from the database."""
    return study_json(Trial.objects.for_export().get(pk=trial.pk))


def _move(trial, source, target, user, reason):
    """Move the trial from state `source` to `target`; False (and nothing done) when it was not in `source`."""
    if trial.publication != source:
        return False
    trial.publication = target
    trial.save(update_fields=["publication"])
    trials_changed([trial.pk], user, reason)
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
    if trial.is_published:
        return None
    if trial.revision_of_id:
        return _publish_revision(trial, user)
    trial.publication = Publication.PUBLISHED
    trial.save(update_fields=["publication"])
    trials_changed([trial.pk], user, "Published")
    return trial


def _publish_revision(revision, user):
    published = revision.revision_of
    data = parse_study(_study(revision))
    with mesh.unlinking([revision.pk]):  # the copy's votes for its conditions' MeSH terms go with it
        revision.delete()
    save_studies([(data, published)], SharedRows())
    # The record is public now, even when its trial was unpublished while the revision was pending.
    Trial.objects.filter(pk=published.pk).update(publication=Publication.PUBLISHED)
    published.publication = Publication.PUBLISHED
    trials_changed([published.pk], user, "Published a revision")
    return published


@transaction.atomic
def start_revision(trial, user):
    """The pending revision of a published trial: the existing one, or a new copy of its record."""
    existing = Trial.objects.filter(revision_of=trial).first()
    if existing is not None:
        return existing
    data = parse_study(_study(trial))
    data.fields.update(publication=Publication.DRAFT, revision_of=trial)
    (revision,) = save_studies([(data, None)], SharedRows())
    trials_changed([revision.pk], user, "Revision started", created=[revision.pk])
    return revision


@transaction.atomic
def discard(revision, user):
    """Delete a pending revision, unpublished: the published trial stays as the public sees it, and is returned.

    The revision's history ends with its deletion by `user`. Returns None when `revision` is not a revision.
    """
    if not revision.revision_of_id:
        return None
    published = revision.revision_of
    revision._history_user = user  # django-simple-history names them on the deletion's version
    with deleting(Trial.objects.filter(pk=revision.pk)):
        revision.delete()
    return published
