"""The search's counts and order as they were worked out before the bounded search (issue 16), query by query:
the reference the faster code is compared with (tests/test_search_same.py).

Each facet counted with the other filters, one query each; the top conditions over every match; the list
ordered over every match.
"""

from collections import Counter

from django.db.models import Count, Q
from django.db.models.functions import Lower

from trials.models import Condition, TrialCondition
from trials.search.facets import FACETS, TOP_CONDITIONS


def reference_counts(criteria):
    """(total, {facet: Counter of stored values}, [(value, name, count)] top condition groups)."""
    total = criteria.filtered().count()
    counts = {}
    for name in FACETS:
        rows = criteria.filtered(without={name}).order_by().values_list(name).annotate(n=Count("pk"))
        counts[name] = Counter(dict(rows))
    trial_ids = criteria.filtered(without={"condition"}).order_by().values("pk")
    return total, counts, top_condition_groups(trial_ids)


def top_condition_groups(trial_ids):
    """The condition groups these trials study most, each counted query by query as the condition filter finds it.

    A group is a MeSH term, or the name of a condition without one (any case; spelt as its term, else its first
    name); its trials are those naming a condition whose term or name it is.
    """
    spellings = {}
    for name, term in Condition.objects.filter(trial_conditions__trial_id__in=trial_ids).values_list(
        "name", "mesh_term"
    ):
        key = (term or name).lower()
        spellings[key] = min(spellings.get(key, (2, "")), (0, term) if term else (1, name))
    counted = []
    for key, (_, label) in spellings.items():
        members = Condition.objects.alias(name_lowered=Lower("name"), term_lowered=Lower("mesh_term")).filter(
            Q(name_lowered=key) | Q(term_lowered=key)
        )
        rows = TrialCondition.objects.filter(trial_id__in=trial_ids, condition__in=members)
        counted.append((label, rows.aggregate(n=Count("trial_id", distinct=True))["n"]))
    counted.sort(key=lambda row: (-row[1], row[0]))
    return [(label, label, n) for label, n in counted[:TOP_CONDITIONS]]
