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

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from trials import choices
from trials.models import SearchEntry, TrialCondition

from .cached import cached

FACETS = {  # facet (a search parameter and SearchEntry field) -> its choices
    "status": choices.Status,
    "phase": choices.Phase,
    "study_type": choices.StudyType,
    "sponsor_class": choices.AgencyClass,
    "has_results": None,
}
TOP_CONDITIONS = 10
EXACT_LIMIT = 5_000  # the most trials a count reads; a larger set is counted over a sample of about this many
CONDITIONS_LIMIT = 1_000  # the same for the top conditions, which read each trial's conditions (~20 µs a trial)
BUCKETS = SearchEntry.SAMPLE_BUCKETS


@dataclass(frozen=True)
class Sample:
    """The first `buckets` buckets of a set of entries (all of them: the whole set, counted exactly)."""

    buckets: int = BUCKETS

    @property
    def whole(self):
        return self.buckets >= BUCKETS

    def of(self, entries):
        return entries if self.whole else entries.filter(bucket__lt=self.buckets)

    def share(self, total):
        """About how many of a set of `total` trials are in the sample."""
        return total if self.whole else total * self.buckets // BUCKETS

    def scale(self, count):
        """A count over the sample, scaled to the whole set (to two significant figures: it is an estimate)."""
        if self.whole:
            return count
        estimate = count * BUCKETS / self.buckets
        return int(float(f"{estimate:.2g}")) if estimate >= 100 else round(estimate)


def sample_for(size, limit=None):
    """The Sample to count `size` trials with: all of them up to `limit` (EXACT_LIMIT), else about `limit`."""
    limit = limit or EXACT_LIMIT
    return Sample() if size <= limit else Sample(max(1, limit * BUCKETS // size))


def size_of(entries):
    """About how many entries there are: one bucket counted, scaled up."""
    return entries.filter(bucket=0).count() * BUCKETS


@dataclass
class Facets:
    total: int = 0
    counts: dict = field(default_factory=dict)  # facet -> Counter of stored values
    conditions: list = field(default_factory=list)  # (slug, name, count), most trials first
    sample: Sample = Sample()  # what the facet counts were read from
    total_sample: Sample = Sample()  # what the total was read from
    conditions_sample: Sample = Sample()

    @property
    def estimated(self):
        return not self.sample.whole

    @property
    def total_estimated(self):
        return not self.total_sample.whole

    @property
    def conditions_estimated(self):
        return not self.conditions_sample.whole

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


def facet_counts(criteria):
    """Facets of a search (a Criteria): see the module's docstring."""
    in_use = {name: allowed_values(name, value) for name, value in criteria.active.items() if name in FACETS}
    base = criteria.filtered(without=FACETS)
    if in_use.keys() == criteria.active.keys():  # no words, no other filter: the base is the whole index
        sample, rows = Sample(), cached("facet-groups", lambda: groups(base))
    else:
        sample = sample_for(size_of(base))
        rows = groups(sample.of(base))
    facets = Facets(counts={name: Counter() for name in FACETS}, sample=sample)
    allowed_by_all = 0
    for *values, n in rows:
        row = dict(zip(FACETS, values, strict=True))
        refused = [name for name, allowed in in_use.items() if row[name] not in allowed]
        if not refused:
            allowed_by_all += n
            counted = FACETS
        elif len(refused) == 1:  # this group counts only for the facet whose filter refuses it
            counted = refused
        else:
            continue
        for name in counted:
            facets.counts[name][row[name]] += n
    for name in FACETS:
        facets.counts[name] = Counter({value: sample.scale(n) for value, n in facets.counts[name].items()})
    facets.total = sample.scale(allowed_by_all)
    if not sample.whole and facets.total <= EXACT_LIMIT:  # a small list in a large base: counted exactly
        facets.total = criteria.filtered().count()
    else:
        facets.total_sample = sample
    facets.conditions_sample, facets.conditions = top_conditions(criteria, facets.total)
    return facets


def top_conditions(criteria, total):
    """(Sample, [(slug, name, trials)]): the conditions most of the matches are about, over a bounded sample."""
    entries = criteria.filtered(without={"condition"})
    sample = sample_for(size_of(entries) if "condition" in criteria.active else total, CONDITIONS_LIMIT)
    rows = (
        TrialCondition.objects.filter(trial_id__in=sample.of(entries).order_by().values("pk"))
        .values_list("condition__slug", "condition__name")
        .annotate(n=Count("trial_id", distinct=True))
        .order_by("-n", "condition__name")[:TOP_CONDITIONS]
    )
    return sample, [(slug, name, sample.scale(n)) for slug, name, n in rows]
