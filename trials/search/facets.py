"""Facet counts beside the filters: grouped counts in the database, never rows loaded to count.

Each facet counts the trials the other filters allow, so a count is exactly what the list
shows after choosing that value. One query counts every facet at once (grouped by all
their columns; the few hundred combinations are summed here), plus one per facet the
search is filtered on, plus one for the top conditions.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from trials import choices
from trials.models import TrialCondition

FACETS = {  # facet (a search parameter and SearchEntry field) -> its choices
    "status": choices.Status,
    "phase": choices.Phase,
    "study_type": choices.StudyType,
    "sponsor_class": choices.AgencyClass,
    "has_results": None,
}
TOP_CONDITIONS = 10


@dataclass
class Facets:
    total: int = 0
    counts: dict = field(default_factory=dict)  # facet -> Counter of stored values
    conditions: list = field(default_factory=list)  # (slug, name, count), most trials first

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


def facet_counts(criteria):
    """Facets of a search (a Criteria)."""
    facets = Facets(counts={name: Counter() for name in FACETS})
    rows = criteria.filtered().order_by().values_list(*FACETS).annotate(n=Count("pk"))
    for *values, n in rows:
        facets.total += n
        for name, value in zip(FACETS, values, strict=True):
            facets.counts[name][value] += n
    for name in FACETS:
        if name in criteria.active:
            rows = criteria.filtered(without=name).order_by().values_list(name).annotate(n=Count("pk"))
            facets.counts[name] = Counter(dict(rows))
    trial_ids = criteria.filtered(without="condition").order_by().values("pk")
    facets.conditions = list(
        TrialCondition.objects.filter(trial_id__in=trial_ids)
        .values_list("condition__slug", "condition__name")
        .annotate(n=Count("trial_id", distinct=True))
        .order_by("-n", "condition__name")[:TOP_CONDITIONS]
    )
    return facets
