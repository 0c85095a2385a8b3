"""Merging duplicate sponsors or investigators: their trials move to the one kept, and the duplicates go.

Every trial that changes then takes the one change path (trials.changes): a version in its
history (who merged what), its search text, its cached pages and its related trials.
"""

from django.db import transaction

from .changes import trials_changed
from .models import Collaboration, Official, Trial


@transaction.atomic
def merge_sponsors(kept, duplicates, user):
    """Move the duplicates' trials (as lead, organisation or collaborator) to `kept`; returns trials changed."""
    trials = Trial.objects.filter(lead_sponsor__in=duplicates) | Trial.objects.filter(organization__in=duplicates)
    trial_ids = set(trials.values_list("pk", flat=True))
    collaborations = Collaboration.objects.filter(sponsor__in=duplicates)
    trial_ids |= set(collaborations.values_list("trial_id", flat=True))
    Trial.objects.filter(lead_sponsor__in=duplicates).update(lead_sponsor=kept)
    Trial.objects.filter(organization__in=duplicates).update(organization=kept)
    with_kept = set(Collaboration.objects.filter(sponsor=kept).values_list("trial_id", flat=True))
    for collaboration in collaborations.order_by("trial_id", "position"):  # a trial naming both keeps one
        if collaboration.trial_id in with_kept:
            collaboration.delete()
        else:
            collaboration.sponsor = kept
            collaboration.save(update_fields=["sponsor"])
            with_kept.add(collaboration.trial_id)
    for duplicate in duplicates:
        duplicate.delete()
    trials_changed(sorted(trial_ids), user, f"Sponsors merged into “{kept.name}”"[:100])
    return len(trial_ids)


@transaction.atomic
def merge_investigators(kept, duplicates, user):
    """Name `kept` wherever the duplicates were overall officials; returns trials changed."""
    officials = Official.objects.filter(investigator__in=duplicates)
    trial_ids = set(officials.values_list("trial_id", flat=True))
    officials.update(investigator=kept)
    for duplicate in duplicates:
        duplicate.delete()
    trials_changed(sorted(trial_ids), user, f"Investigators merged into “{kept.name}”"[:100])
    return len(trial_ids)
