"""Counts beside the results: the total, each facet's counts and the top conditions, over a bounded number of rows.

Each facet counts the trials the other filters allow, so a count is what the list shows after choosing
that value. One grouped query over the "base" (the trials the words and the non-facet filters allow)
counts every facet at once: a group is one combination of the facets' values (a few hundred at most),
checked here against the facet filters in use. The words are matched once for every facet.

Counts are exact while a set holds at most EXACT_LIMIT trials. A larger set is counted over a sample (its
trials in the first k of the SearchEntry.SAMPLE_BUCKETS buckets, k chosen so the sample holds about
EXACT_LIMIT) and scaled up, and the page says "about". A count over one bucket tells a set's size first.
So a search reads a bounded number of rows however many trials match; docs/search.md has the costs. The base
of a search with no words and no other filter is every trial: its groups are counted exactly, once per
change to the index (trials.search.cached).
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.utils.translation import gettext as _

from trials import choices
from trials.models import TrialCondition

from .backends import backend
from .cached import cached
from .sample import BUCKETS, Sample, about, sample_for, size_of

FACETS = {  # facet (a search parameter and SearchEntry field) -> its choices
    "status": choices.Status,
    "phase": choices.Phase,
    "study_type": choices.StudyType,
    "sponsor_class": choices.AgencyClass,
    "has_results": None,
}
TOP_CONDITIONS = 10
CONDITIONS_LIMIT = 1_000  # the most trials top conditions read (each trial's conditions: ~20 µs a trial)
FACET_INDEX = {name: index for index, name in enumerate(FACETS)}


@dataclass
class Facets:
    total: int = 0
    counts: dict = field(default_factory=dict)  # facet -> Counter of stored values
    conditions: list = field(default_factory=list)  # (value, name, count) of condition groups, most trials first
    sample: Sample = Sample()  # what the facet counts were read from
    conditions_estimated: bool = False
    # (id, bucket, last update) of every match, or of the sample's, when the rows read hold them; else None
    matches: list | None = None
    matched_from: Sample = Sample()  # what the total (and `matches`) were read from

    @property
    def estimated(self):
        return not self.sample.whole

    @property
    def total_estimated(self):
        return not self.matched_from.whole

    def candidates(self, wanted, limit):
        """Ids for best match to rank, most recently updated first (at most `limit`, if one), from the matches read:
        those in the `wanted` Sample, or every one read if fewer buckets were read but they hold `limit`; else None.
        """
        if self.matches is None:
            return None
        if wanted.buckets <= self.matched_from.buckets:
            rows = [match for match in self.matches if match[1] < wanted.buckets]
        elif limit and len(self.matches) >= limit:
            rows = self.matches
        else:
            return None
        # as PostgreSQL orders by -last_update, -pk: no date first, then the newest, then the highest id
        rows = sorted(rows, key=lambda row: (row[2] is None, row[2] or date.min, row[0]), reverse=True)
        return [pk for pk, _, _ in (rows[:limit] if limit else rows)]

    def choices(self, name, selected=()):
        """[(value, label, count, is selected)] for the template: values with trials, and selected ones."""
        counts = self.counts[name]
        if name == "phase":  # a Phase 1/Phase 2 trial counts for phase 1 and for phase 2, as the filter does
            labels = dict(choices.Phase.single_choices())
            counts = Counter({value: sum(counts[v] for v in choices.Phase.including(value)) for value in labels})
        elif name == "has_results":
            labels = {"true": _("Yes"), "false": _("No")}
            counts = Counter({"true": counts[True], "false": counts[False]})
        else:
            labels = dict(FACETS[name].choices)
        return [
            (value, labels[value], counts[value], value in selected)
            for value in labels
            if counts[value] or value in selected
        ]


def allowed_values(name, value):
    """The stored values a facet filter lets through (as trials/filters.py filters them)."""
    if name == "phase":
        return {stored for phase in value for stored in choices.Phase.including(phase)}
    if name == "has_results":
        return {value == "true"}
    return set(value)


def groups(entries):
    """[(status, phase, study type, sponsor class, has results, trials)] of these entries: one grouped query."""
    return list(entries.order_by().values_list(*FACETS).annotate(n=Count("pk")))


def read(entries):
    """The entries' rows as search counts them: (id, bucket, last update, *facet values)."""
    return list(entries.order_by().values_list("pk", "bucket", "last_update", *FACETS))


def facet_counts(criteria):
    """Facets of a search (a Criteria): see the module's docstring."""
    in_use = {name: allowed_values(name, value) for name, value in criteria.active.items() if name in FACETS}
    base = criteria.filtered(without=FACETS)
    if in_use.keys() == criteria.active.keys():  # no words, no other filter: the base is the whole index
        sample, rows, grouped = Sample(), None, cached("facet-groups", lambda: groups(base))
    else:
        sample, rows = read_base(base)
        grouped = [(*values, n) for values, n in Counter(row[3:] for row in rows).items()]
    facets = Facets(sample=sample)
    facets.counts, allowed_by_all = count_groups(grouped, in_use, sample)
    facets.total = sample.scale(allowed_by_all)
    if not sample.whole and sample_for(facets.total).whole:  # a small list in a large base: read whole
        allowed, facets.matched_from = read(criteria.filtered()), Sample()
        facets.total = len(allowed)
    elif rows is not None:  # every match, or the sample's
        checks = [(3 + FACET_INDEX[name], ok) for name, ok in in_use.items()]  # each row's value: is it allowed?
        allowed = [row for row in rows if all(row[column] in ok for column, ok in checks)]
        facets.matched_from = sample
    else:
        allowed = None
    if allowed is not None:  # what the list and the top conditions are drawn from
        facets.matches = [(pk, bucket, last_update) for pk, bucket, last_update, *_ in allowed]
    if "condition" in criteria.active or facets.matches is None:
        facets.conditions_estimated, facets.conditions = top_conditions(criteria, facets.total)
    else:
        facets.conditions_estimated, facets.conditions = conditions_of(facets.matches, facets.total)
    return facets


def read_base(base):
    """(Sample, rows) of the base: bucket 0 read first tells how many buckets to read (all, up to EXACT_LIMIT)."""
    rows = read(Sample(1).of(base))
    sample = sample_for(len(rows) * BUCKETS)
    if sample.buckets > 1:
        rows += read(backend().in_buckets(base, 1, sample.buckets))
    return sample, rows


def count_groups(grouped, in_use, sample):
    """({facet: Counter of its values}, trials every filter allows) from the base's groups.

    A group every facet filter allows counts for every facet; a group one filter refuses counts for that facet
    alone (its counts are those of the other filters); counts over a sample are scaled.
    """
    counts, allowed_by_all = {name: Counter() for name in FACETS}, 0
    for *values, n in grouped:
        row = dict(zip(FACETS, values, strict=True))
        refused = [name for name, allowed in in_use.items() if row[name] not in allowed]
        if len(refused) > 1:
            continue
        allowed_by_all += 0 if refused else n
        for name in refused or FACETS:
            counts[name][row[name]] += n
    scaled = {
        name: Counter({value: sample.scale(n) for value, n in counted.items()}) for name, counted in counts.items()
    }
    return scaled, allowed_by_all


def top_conditions(criteria, total):
    """(estimated?, [(value, name, trials)]): the conditions most of the matches are about, over a bounded sample."""
    entries = criteria.filtered(without={"condition"})
    sample = sample_for(size_of(entries) if "condition" in criteria.active else total, CONDITIONS_LIMIT)
    rows = _count_conditions(sample.of(entries).order_by().values("pk"))
    return not sample.whole, [(value, name, sample.scale(n)) for value, name, n in rows]


def conditions_of(matches, total):
    """The same from the matches already read: every one, or every so many of them (by id) past CONDITIONS_LIMIT,
    their counts scaled to the total."""
    ids = sorted(pk for pk, _, _ in matches)
    ids = ids[:: math.ceil(len(ids) / CONDITIONS_LIMIT) or 1]
    estimated = len(ids) < total
    rows = _count_conditions(backend().id_list(ids))
    return estimated, [(value, name, about(n * total / len(ids)) if estimated else n) for value, name, n in rows]


def _count_conditions(trial_ids):
    """[(value, name, trials)] of the TOP_CONDITIONS groups most of these trials study, most trials first, then A–Z.

    A group is a MeSH term with every condition grouped under it (trials.mesh), or a condition without one; a trial
    counts once per group. Its value and name are the term (or the condition's name), and a group holds what the
    condition filter finds for that value (trials.names): the conditions whose term or, without one, name it is
    (any case), and any condition so named. The trials' condition rows are read (a bounded number of trials) and
    counted here, the same on every database.
    """
    rows = (
        TrialCondition.objects.filter(trial_id__in=trial_ids)
        .order_by()
        .values_list("trial_id", "condition__name", "condition__mesh_term")
    )
    labels, members = {}, []  # group key -> (0 for a term, 1 for a name; how it is spelt), the first of these wins
    for trial_id, name, term in rows:
        key = (term or name).lower()
        labels[key] = min(labels.get(key, (2, "")), (0, term) if term else (1, name))
        members.append((trial_id, key, name.lower()))
    trials = {key: set() for key in labels}
    for trial_id, key, name in members:
        trials[key].add(trial_id)
        if name in trials:  # named as another group's value: the filter finds it there too
            trials[name].add(trial_id)
    counted = sorted(((labels[key][1], len(ids)) for key, ids in trials.items()), key=lambda row: (-row[1], row[0]))
    return [(label, label, n) for label, n in counted[:TOP_CONDITIONS]]
