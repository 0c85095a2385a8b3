"""The short lists a record page reads within the trial's own query, as JSON (no query of their own)."""

from django.db import models
from django.db.models.query import ModelIterable

from trials import choices

from .rows import CentralContact, Intervention, Keyword, Outcome, Reference, RelatedTrial, TrialCondition


class JSONRows(models.Expression):
    """A trial's rows of one related table as a JSON array of objects, read within the trial's own query.

    rows is the SQL after FROM, where "trials_trial" is the trial being read; keys maps each object key
    to a column, or a joined row's field name to its own keys. Trial.objects.for_section reads five of
    these lists (RECORD_LISTS) with the trial: building an ORM query costs more than the database takes
    to answer it, and they were five queries. SQLite's and PostgreSQL's JSON functions differ in name only.
    """

    output_field = models.JSONField()

    def __init__(self, rows, keys):
        super().__init__()
        self.rows, self.keys = rows, keys

    def as_sql(self, compiler, connection, aggregate="json_group_array", build="json_object"):
        def json_object(keys):
            pairs = (
                f"'{key}', {json_object(value) if isinstance(value, dict) else value}" for key, value in keys.items()
            )
            return f"{build}({', '.join(pairs)})"

        return f"(SELECT {aggregate}({json_object(self.keys)}) FROM {self.rows})", []

    def as_postgresql(self, compiler, connection):
        return self.as_sql(compiler, connection, aggregate="jsonb_agg", build="jsonb_build_object")


TRIAL = '"trials_trial"."id"'
RECORD_LISTS = {  # where prefetch_related would keep them: (model, rows, keys) for JSONRows
    "trial_conditions": (
        TrialCondition,
        f"trials_trialcondition x JOIN trials_condition c ON c.id = x.condition_id WHERE x.trial_id = {TRIAL}",
        {"id": "x.id", "position": "x.position", "condition": {"id": "c.id", "name": "c.name", "slug": "c.slug"}},
    ),
    "keywords": (
        Keyword,
        f"trials_keyword x WHERE x.trial_id = {TRIAL}",
        {"id": "x.id", "position": "x.position", "term": "x.term"},
    ),
    "outcomes": (
        Outcome,
        f"trials_outcome x WHERE x.trial_id = {TRIAL}",
        {"id": "x.id", "position": "x.position", "kind": "x.kind", "measure": "x.measure",
         "description": "x.description", "time_frame": "x.time_frame"},
    ),
    "references": (
        Reference,
        f"trials_reference x WHERE x.trial_id = {TRIAL}",
        {"id": "x.id", "position": "x.position", "pmid": "x.pmid", "type": "x.type", "citation": "x.citation"},
    ),
    "related_links": (  # links to published trials only, with what a related trial's line shows
        RelatedTrial,
        f"trials_relatedtrial x JOIN trials_trial r ON r.id = x.related_id WHERE x.trial_id = {TRIAL}"
        f" AND r.publication = '{choices.Publication.PUBLISHED}'",
        {"id": "x.id", "position": "x.position", "reason_kind": "x.reason_kind", "reason_value": "x.reason_value",
         "related": {"id": "r.id", "nct_id": "r.nct_id", "brief_title": "r.brief_title",
                     "overall_status": "r.overall_status", "phase": "r.phase"}},
    ),
}  # fmt: skip
GLANCE_LISTS = {  # what the overview's "at a glance" box adds (its other sections read none of them): the same way
    "interventions": (
        Intervention,
        f"trials_intervention x WHERE x.trial_id = {TRIAL}",
        {"id": "x.id", "position": "x.position", "type": "x.type", "name": "x.name"},
    ),
    "central_contacts": (
        CentralContact,
        f"trials_centralcontact x WHERE x.trial_id = {TRIAL}",
        {"id": "x.id", "position": "x.position", "name": "x.name", "role": "x.role", "phone": "x.phone",
         "phone_ext": "x.phone_ext", "email": "x.email"},
    ),
}  # fmt: skip
# The overview's count of sites per country ("" for sites whose country is not given), not the sites themselves:
# a trial may have thousands.
SITES_PER_COUNTRY = JSONRows(
    f"(SELECT country, COUNT(*) AS sites FROM trials_location WHERE trial_id = {TRIAL} GROUP BY country) x",
    {"country": "x.country", "sites": "x.sites"},
)


def from_json(model, item, db, **known):
    """A model instance as if read from the database: item maps field attnames to values, and a joined row's
    field name to that row's own item."""
    fields = [field for field in model._meta.concrete_fields if field.attname in item]
    instance = model.from_db(db, [field.attname for field in fields], [item[field.attname] for field in fields])
    for name, value in item.items():
        if isinstance(value, dict):
            known[name] = from_json(model._meta.get_field(name).related_model, value, db)
    for name, value in known.items():
        setattr(instance, name, value)
    return instance


class WithRecordLists(ModelIterable):
    """Trials as read by for_section: each with its short lists (and the overview's GLANCE_LISTS) where
    prefetch_related puts rows, so that trial.keywords.all() and the others read no database and no caller
    has a step to remember."""

    def __iter__(self):
        for trial in super().__iter__():
            cache = trial.__dict__.setdefault("_prefetched_objects_cache", {})
            for name, (model, _, _) in (RECORD_LISTS | GLANCE_LISTS).items():
                if f"{name}_json" not in trial.__dict__:  # a glance list, on a page other than the overview
                    continue
                items = getattr(trial, f"{name}_json") or []
                items = sorted(items, key=lambda item, order=model._meta.ordering: [item[key] for key in order])
                cache[name] = [from_json(model, item, trial._state.db, trial=trial) for item in items]
            yield trial
