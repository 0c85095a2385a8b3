"""Writing checked studies: upsert each Trial by NCT ID and replace its related rows, in one transaction.

Rows only: the caller then passes the trials written to trials.changes.trials_changed (index, cache,
history, related trials).
"""

from django.db import transaction

from trials import mesh
from trials.choices import Publication
from trials.models import (
    ArmGroup,
    CentralContact,
    Collaboration,
    Condition,
    EligibilityCriterion,
    Intervention,
    InterventionArm,
    Investigator,
    Keyword,
    Location,
    LocationContact,
    Official,
    Outcome,
    Reference,
    SecondaryIdentifier,
    Sponsor,
    Trial,
    TrialCondition,
    unique_slugs,
)


class SharedRows:
    """Sponsors, conditions and investigators of an import run, looked up or created a batch at a time."""

    def __init__(self):
        self.forget()

    def forget(self):
        """Drop what was cached: after a rollback, rows created in it no longer exist."""
        self.sponsors, self.conditions, self.investigators = {}, {}, {}

    def prepare(self, studies):
        """Fetch or create, in a few queries, every shared row the studies name."""
        sponsors = {s for d in studies for s in (d.lead_sponsor, d.organization, *d.collaborators) if s}
        self._load(self.sponsors, sponsors, Sponsor, ("name", "agency_class"), slugged=True)
        conditions = {(name,) for d in studies for name in d.conditions}
        self._load(self.conditions, conditions, Condition, ("name",), slugged=True)
        investigators = {(o["name"], o["affiliation"]) for d in studies for o in d.officials}
        self._load(self.investigators, investigators, Investigator, ("name", "affiliation"))

    def _load(self, cache, keys, model, fields, slugged=False):
        missing = keys - cache.keys()
        if not missing:
            return
        for row in model.objects.filter(name__in={key[0] for key in missing}):
            key = tuple(getattr(row, f) for f in fields)
            if key in missing:
                cache[key] = row
        new = sorted(missing - cache.keys())
        rows = [model(**dict(zip(fields, key, strict=True))) for key in new]
        if slugged:
            for row, slug in zip(rows, unique_slugs(model, [row.name for row in rows]), strict=True):
                row.slug = slug
        for key, row in zip(new, model.objects.bulk_create(rows), strict=True):
            cache[key] = row

    def sponsor(self, key):
        return self.sponsors[key]

    def condition(self, name):
        return self.conditions[(name,)]

    def investigator(self, name, affiliation):
        return self.investigators[(name, affiliation)]


CHILD_MODELS = [
    Collaboration,
    TrialCondition,
    Keyword,
    ArmGroup,
    Intervention,
    Outcome,
    EligibilityCriterion,
    Official,
    CentralContact,
    Location,
    SecondaryIdentifier,
    Reference,
]


@transaction.atomic
def save_studies(batch, shared):
    """Write a batch of (StudyData, stored Trial or None) pairs: one INSERT per table for the whole batch.

    Stored trials are updated in place and their related rows replaced, so a re-import
    leaves nothing stale; a new trial is published (imported records are public) unless
    the data says otherwise. NCT IDs must be distinct within a batch. All or nothing: the
    caller retries study by study when a batch fails. Returns the trials, in the batch's order.
    """
    shared.prepare([data for data, _ in batch])
    stored = [trial for _, trial in batch if trial is not None]
    with mesh.unlinking([trial.pk for trial in stored]):  # a condition a stored trial no longer names loses its vote
        return _save_studies(batch, shared, stored)


def _save_studies(batch, shared, stored):
    for model in CHILD_MODELS:
        model.objects.filter(trial__in=stored).delete()
    trials = []
    for data, trial in batch:
        trial = trial or Trial(publication=Publication.PUBLISHED)
        for name, value in data.fields.items():
            setattr(trial, name, value)
        trial.source_record = data.record
        trial.lead_sponsor = shared.sponsor(data.lead_sponsor)
        trial.organization = shared.sponsor(data.organization) if data.organization else None
        if trial.pk:
            trial.save()
        trials.append(trial)
    Trial.objects.bulk_create([trial for trial in trials if trial.pk is None])

    pairs = [(trial, data) for trial, (data, _) in zip(trials, batch, strict=True)]
    Collaboration.objects.bulk_create(
        Collaboration(trial=trial, sponsor=sponsor, position=i)
        for trial, data in pairs
        for i, sponsor in enumerate(dict.fromkeys(shared.sponsor(c) for c in data.collaborators))
    )
    votes = [mesh.record_terms(data.conditions, data.record) for _, data in pairs]  # trials.mesh's step 1
    TrialCondition.objects.bulk_create(
        TrialCondition(trial=trial, condition=shared.condition(name), position=i, mesh_term=terms.get(name))
        for (trial, data), terms in zip(pairs, votes, strict=True)
        for i, name in enumerate(data.conditions)
    )
    Keyword.objects.bulk_create(
        Keyword(trial=trial, term=term, position=i) for trial, data in pairs for i, term in enumerate(data.keywords)
    )
    arms = ArmGroup.objects.bulk_create(
        ArmGroup(trial=trial, position=i, **arm) for trial, data in pairs for i, arm in enumerate(data.arm_groups)
    )
    arms_by_label = {(arm.trial_id, arm.label): arm for arm in arms}
    interventions = Intervention.objects.bulk_create(
        Intervention(trial=trial, position=i, **values)
        for trial, data in pairs
        for i, (values, _) in enumerate(data.interventions)
    )
    arm_labels = [labels for _, data in pairs for _, labels in data.interventions]
    InterventionArm.objects.bulk_create(
        InterventionArm(intervention=intervention, arm_group=arms_by_label[intervention.trial_id, label], position=i)
        for intervention, labels in zip(interventions, arm_labels, strict=True)
        for i, label in enumerate(labels)
    )
    Outcome.objects.bulk_create(
        Outcome(trial=trial, position=i, **o) for trial, data in pairs for i, o in enumerate(data.outcomes)
    )
    EligibilityCriterion.objects.bulk_create(
        EligibilityCriterion(trial=trial, position=i, kind=c.kind, level=c.level, text=c.text)
        for trial, data in pairs
        for i, c in enumerate(data.criteria)
    )
    Official.objects.bulk_create(
        Official(trial=trial, position=i, role=o["role"], investigator=shared.investigator(o["name"], o["affiliation"]))
        for trial, data in pairs
        for i, o in enumerate(data.officials)
    )
    CentralContact.objects.bulk_create(
        CentralContact(trial=trial, position=i, **c)
        for trial, data in pairs
        for i, c in enumerate(data.central_contacts)
    )
    locations = [
        Location(trial=trial, position=i, **values)
        for trial, data in pairs
        for i, (values, _) in enumerate(data.locations)
    ]
    for location in locations:
        location.place_on_map()
    Location.objects.bulk_create(locations)
    site_contacts = [contacts for _, data in pairs for _, contacts in data.locations]
    LocationContact.objects.bulk_create(
        LocationContact(location=location, position=j, **contact)
        for location, contacts in zip(locations, site_contacts, strict=True)
        for j, contact in enumerate(contacts)
    )
    SecondaryIdentifier.objects.bulk_create(
        SecondaryIdentifier(trial=trial, position=i, **s)
        for trial, data in pairs
        for i, s in enumerate(data.secondary_ids)
    )
    Reference.objects.bulk_create(
        Reference(trial=trial, position=i, **r) for trial, data in pairs for i, r in enumerate(data.references)
    )
    return trials
