"""The search's counts and order as they were worked out before the bounded search (issue 16), query by query:
the reference the faster code is compared with (tests/test_search_same.py).

Each facet counted with the other filters, one query each; the top conditions over every match; the list
ordered over every match.
"""

from collections import Counter

from django.db.models import Count

from trials.models import TrialCondition
from trials.search.facets import FACETS, TOP_CONDITIONS


def reference_counts(criteria):
    """(total, {facet: Counter of stored values}, [(slug, name, count)] top conditions)."""
    total = criteria.filtered().count()
    counts = {}
    for name in FACETS:
        rows = criteria.filtered(without={name}).order_by().values_list(name).annotate(n=Count("pk"))
        counts[name] = Counter(dict(rows))
    trial_ids = criteria.filtered(without={"condition"}).order_by().values("pk")
    conditions = list(
        TrialCondition.objects.filter(trial_id__in=trial_ids)
        .values_list("condition__slug", "condition__name")
        .annotate(n=Count("trial_id", distinct=True))
        .order_by("-n", "condition__name")[:TOP_CONDITIONS]
    )
    return total, counts, conditions
