"""The bounded search (one grouped query for every facet, samples for very broad searches) finds the same trials in
the same order, with the same counts, as the search worked out query by query (tests/search_reference.py), on
each database; and a very broad search says its counts are estimates.
"""

from collections import Counter
from datetime import date

import pytest
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import F

from trials.search import backends as backends_module
from trials.search import facets as facets_module
from trials.search import results as results_module
from trials.search import sample as sample_module
from trials.search.backends import OPEN, RANK_WEIGHTS
from trials.search.criteria import SORTS

from .factories import MOST_COMMON_CONDITION
from .search_reference import reference_counts

SEARCHES = [
    {},
    {"q": "pain"},
    {"q": "pain OR asthma"},
    {"q": '"low back"'},
    {"q": "pain -surgery"},
    {"q": "informed consent"},  # words in the criteria of most: best match ranks them after those about the words
    {"q": "cancer", "status": ["RECRUITING", "COMPLETED"]},
    {"status": "COMPLETED", "phase": "NA"},
    {"phase": ["PHASE1", "PHASE2"], "study_type": "INTERVENTIONAL", "has_results": "false"},
    {"q": "women", "sponsor_class": "OTHER", "age": "40"},
    {"condition": MOST_COMMON_CONDITION, "status": "COMPLETED"},
    {"condition": "Intervertebral Disc Displacement"},  # a MeSH term: every name of its group
    {"condition": "herniated", "status": "COMPLETED"},  # part of a name
    {"q": "pain", "condition": MOST_COMMON_CONDITION, "sort": "enrollment"},
    {"country": "United States", "sort": "title"},
    {"q": "study", "sort": "start", "has_results": "true"},
    {"sort": "updated", "sex": "FEMALE"},
]


def reference_ids(criteria):
    """Every match's id in the sort's order, ranked over all matches (no bound, no sample).

    Best match, sorted here in Python: trials about the words first (a rank above nothing: words in more than the
    description and criteria), then open ones, withdrawn last, then by rank, last update and id.
    """
    entries = criteria.filtered()
    if criteria.sort != "relevance":
        return list(entries.order_by(*SORTS[criteria.sort][1]).values_list("pk", flat=True))
    if connection.vendor == "postgresql":
        query = SearchQuery(criteria.query.to_websearch(), search_type="websearch", config="english")
        rank = SearchRank(F("document"), query, weights=RANK_WEIGHTS)
        rows = [
            (pk, -score, status, updated)
            for pk, score, status, updated in entries.annotate(rank=rank).values_list(
                "pk", "rank", "status", "last_update"
            )
        ]
    else:
        rows = list(entries.values_list("pk", "text__rank", "status", "last_update"))

    def best_first(row):
        pk, rank, status, updated = row
        return (rank >= 0, status not in OPEN, status == "WITHDRAWN", rank, -(updated or date.min).toordinal(), pk)

    return [row[0] for row in sorted(rows, key=best_first)]


def listed_ids(search, params):
    """Every id the search's pages list, page after page."""
    ids, page = [], 1
    while True:
        results = search({**params, "page": page}).context["results"]
        ids += [trial.pk for trial in results.page.object_list]
        if not results.page.has_next():
            return ids, results
        page += 1


@pytest.mark.parametrize("params", SEARCHES, ids=lambda params: repr(params))
def test_a_search_finds_the_same_trials_in_the_same_order_with_the_same_counts(search, params):
    response = search(params)
    criteria, results = response.context["search"], response.context["results"]
    total, counts, conditions = reference_counts(criteria)
    assert results.total == total
    assert not (results.facets.estimated or results.facets.total_estimated or results.facets.conditions_estimated)
    for name, expected in counts.items():
        assert +results.facets.counts[name] == +expected, name
    assert results.facets.conditions == conditions
    ids, results = listed_ids(search, params)
    assert ids == reference_ids(criteria)
    assert results.listed == len(ids) == total


@pytest.fixture
def tiny_limits(monkeypatch):
    """Counts estimated above 12 trials (the samples hold 131), as a search over 100,000s of trials has them; best
    match ranks at most 6."""
    monkeypatch.setattr(sample_module, "EXACT_LIMIT", 12)
    monkeypatch.setattr(facets_module, "CONDITIONS_LIMIT", 12)
    monkeypatch.setattr(results_module, "RANK_LIMIT", 6)
    monkeypatch.setattr(backends_module, "RANK_LIMIT", 6)
    cache.clear()  # no counts from another test
    yield
    cache.clear()


BROAD = {"q": "study OR patients OR participants OR treatment OR trial"}  # every sample record


def test_the_broad_search_matches_every_sample(search):
    assert search(BROAD).context["results"].total == 131


def test_a_very_broad_search_is_counted_over_a_sample_and_says_about(
    search, tiny_limits, django_assert_max_num_queries
):
    with django_assert_max_num_queries(11):
        response = search(BROAD)
    results, criteria = response.context["results"], response.context["search"]
    total = criteria.filtered().count()
    assert total > 12
    sample = results.facets.sample
    assert not sample.whole and results.facets.total_estimated
    in_sample = sample.of(criteria.filtered()).count()
    assert results.total == sample.scale(in_sample)
    assert abs(results.total - total) <= total  # an estimate, of the right size
    page = response.content.decode()
    assert f"About {results.total} trials match" in page
    assert "these counts are estimated from a sample" in page
    statuses = Counter(sample.of(criteria.filtered()).values_list("status", flat=True))
    assert +results.facets.counts["status"] == Counter({s: sample.scale(n) for s, n in statuses.items()})
    assert "≈" in page
    # best match among a sample that holds about RANK_LIMIT: every listed trial is in it, and the page says so
    assert "best match is looked for in a sample" in page
    ranked = sample_module.sample_for(results.total, 6)
    assert ranked.buckets < results.facets.sample.buckets
    in_ranked = set(ranked.of(criteria.filtered()).values_list("pk", flat=True))
    listed, _ = listed_ids(search, BROAD)
    assert set(listed) == in_ranked and 3 <= len(listed) == results.listed <= 6


def test_a_narrow_list_in_a_broad_search_is_counted_exactly(search, tiny_limits):
    """The words match many trials, so the facets are estimated; the filters leave a few, counted exactly."""
    params = {**BROAD, "status": "WITHDRAWN"}
    response = search(params)
    results, criteria = response.context["results"], response.context["search"]
    assert results.facets.estimated and not results.facets.total_estimated
    assert results.total == criteria.filtered().count() <= 12
    assert "About" not in response.content.decode().split("</h2>")[1]


@pytest.mark.parametrize(("start", "stop"), [(0, 1), (1, 2), (1, 16), (1, 17), (3, 40), (0, 64)])
def test_a_sample_of_a_text_match_holds_every_match_in_its_buckets(samples, db, start, stop):
    """Reading buckets start to stop - 1 of a word's matches (on PostgreSQL through the blocks' text indexes)."""
    from trials.models import SearchEntry
    from trials.search.backends import backend
    from trials.search.query import parse

    matches = backend().match(SearchEntry.objects.all(), parse("study OR patients OR pain"))
    expected = {pk for pk in matches.values_list("pk", flat=True) if start <= pk % SearchEntry.SAMPLE_BUCKETS < stop}
    assert expected
    assert set(backend().in_buckets(matches, start, stop).values_list("pk", flat=True)) == expected
