"""The search's filters, facets and sorts on the sample records: each filter finds exactly the trials
whose record matches, facet counts equal the filtered lists, sorts order the whole list.

Expected matches are computed from the sample JSON files themselves (tests/factories.py), not by asking
the database the same question. The module imports the samples once (the `samples` fixture in
conftest.py; they are removed at the end); each test runs in its own rolled-back transaction on top.
"""

import json
from collections import Counter
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection

from trials.models import Trial

from .conftest import SAMPLE_DIR, load_json
from .factories import (
    MOST_COMMON_CONDITION,
    MOST_COMMON_SPONSOR,
    RECORDS,
    exported,
    found,
    may_join,
    module,
    record_date,
    sponsors_of,
)

FILTER_CASES = [
    ({"status": "COMPLETED"}, lambda r: r["statusModule"]["overallStatus"] == "COMPLETED"),
    (
        {"status": ["RECRUITING", "NOT_YET_RECRUITING"]},
        lambda r: r["statusModule"]["overallStatus"] in {"RECRUITING", "NOT_YET_RECRUITING"},
    ),
    (
        {"status": ["OPEN", "COMPLETED"]},
        lambda r: r["statusModule"]["overallStatus"] in {"RECRUITING", "NOT_YET_RECRUITING", "COMPLETED"},
    ),
    ({"phase": "PHASE2"}, lambda r: "PHASE2" in module(r, "designModule").get("phases", [])),
    (
        {"phase": ["PHASE1", "PHASE4"]},
        lambda r: {"PHASE1", "PHASE4"} & set(module(r, "designModule").get("phases", [])),
    ),
    ({"study_type": "OBSERVATIONAL"}, lambda r: r["designModule"]["studyType"] == "OBSERVATIONAL"),
    (
        {"condition": MOST_COMMON_CONDITION.upper()},
        lambda r: MOST_COMMON_CONDITION in module(r, "conditionsModule").get("conditions", []),
    ),
    (
        {"intervention_type": "DEVICE"},
        lambda r: any(i["type"] == "DEVICE" for i in module(r, "armsInterventionsModule").get("interventions", [])),
    ),
    ({"sponsor": MOST_COMMON_SPONSOR}, lambda r: MOST_COMMON_SPONSOR.lower() in sponsors_of(r)),
    ({"sponsor_class": "INDUSTRY"}, lambda r: r["sponsorCollaboratorsModule"]["leadSponsor"]["class"] == "INDUSTRY"),
    ({"sex": "FEMALE"}, lambda r: module(r, "eligibilityModule").get("sex") in {"FEMALE", "ALL", None}),
    ({"sex": "MALE"}, lambda r: module(r, "eligibilityModule").get("sex") in {"MALE", "ALL", None}),
    ({"age": "70"}, lambda r: may_join(r, 70)),
    ({"age": "10"}, lambda r: may_join(r, 10)),
    ({"age": "0.5"}, lambda r: may_join(r, 0.5)),
    ({"healthy_volunteers": "true"}, lambda r: module(r, "eligibilityModule").get("healthyVolunteers") is True),
    ({"healthy_volunteers": "false"}, lambda r: module(r, "eligibilityModule").get("healthyVolunteers") is False),
    (
        {"country": "korea, republic of"},
        lambda r: any(
            loc.get("country") == "Korea, Republic of"
            for loc in module(r, "contactsLocationsModule").get("locations", [])
        ),
    ),
    ({"has_results": "true"}, lambda r: r["hasResults"] if "hasResults" in r else False),
    ({"start_from": "2020-01-01"}, lambda r: (record_date(r, "startDateStruct") or date.min) >= date(2020, 1, 1)),
    ({"start_to": "2015-12"}, lambda r: (record_date(r, "startDateStruct") or date.max) <= date(2015, 12, 1)),
    (
        {"updated_since": "2024-06-01"},
        lambda r: (record_date(r, "lastUpdatePostDateStruct") or date.min) >= date(2024, 6, 1),
    ),
    (
        {"status": "COMPLETED", "study_type": "INTERVENTIONAL", "age": "40", "country": "Turkey"},
        lambda r: (
            r["statusModule"]["overallStatus"] == "COMPLETED"
            and r["designModule"]["studyType"] == "INTERVENTIONAL"
            and may_join(r, 40)
            and any(loc.get("country") == "Turkey" for loc in module(r, "contactsLocationsModule").get("locations", []))
        ),
    ),
]


def has_results(nct_id):
    return load_json(SAMPLE_DIR / f"{nct_id}.json").get("hasResults", False)


@pytest.mark.parametrize(("params", "predicate"), FILTER_CASES, ids=[json.dumps(p) for p, _ in FILTER_CASES])
def test_each_filter_returns_exactly_the_trials_whose_record_matches(client, search, params, predicate):
    if "has_results" in params:
        expected = {nct_id for nct_id in RECORDS if has_results(nct_id)}
    else:
        expected = {nct_id for nct_id, record in RECORDS.items() if predicate(record)}
    assert expected, "a filter case must match some sample"
    assert expected != set(RECORDS), "a filter case must leave some sample out"
    response = search(params)
    assert response.context["results"].total == len(expected)
    assert set(exported(client, params)) == expected
    assert not response.context["filter"].form.errors


def test_the_age_filter_keeps_trials_without_an_upper_or_lower_bound(client, search):
    eligibility = {nct_id: module(record, "eligibilityModule") for nct_id, record in RECORDS.items()}
    no_maximum = {n for n, e in eligibility.items() if not e.get("maximumAge") and may_join(RECORDS[n], 99)}
    no_minimum = {n for n, e in eligibility.items() if not e.get("minimumAge") and may_join(RECORDS[n], 1)}
    assert no_maximum and no_minimum
    assert no_maximum <= set(exported(client, {"age": "99"}))
    assert no_minimum <= set(exported(client, {"age": "1"}))


# Facets


@pytest.mark.parametrize(
    "params", [{}, {"q": "pain"}, {"status": "COMPLETED", "phase": "NA"}, {"age": "30"}, {"status": "OPEN"}]
)
def test_facet_counts_equal_the_counts_of_the_filtered_list(search, params):
    response = search(params)
    results = response.context["results"]
    for name, _, options in response.context["facets"]:
        assert options, name
        for value, _, count, _ in options:
            narrowed = {**params, name: value}
            assert search(narrowed).context["results"].total == count, (name, value)
    for slug, name, count in results.facets.conditions:
        assert search({**params, "condition": slug}).context["results"].total == count, name


def test_facets_count_the_other_filters_so_other_values_stay_choosable(search):
    response = search({"status": "COMPLETED"})
    statuses = {value: count for value, _, count, _ in response.context["results"].facets.choices("status")}
    expected = Counter(r["statusModule"]["overallStatus"] for r in RECORDS.values())
    assert statuses == dict(expected)
    selected = [
        value for value, _, _, chosen in response.context["results"].facets.choices("status", ["COMPLETED"]) if chosen
    ]
    assert selected == ["COMPLETED"]


def test_a_search_page_reads_a_bounded_number_of_queries(search, quokka_trials, django_assert_num_queries):
    params = {
        "q": "wombat OR pain",
        "status": ["COMPLETED", "RECRUITING"],
        "phase": "NA",
        "study_type": "INTERVENTIONAL",
        "sponsor_class": "OTHER",
        "has_results": "false",
        "condition": MOST_COMMON_CONDITION,
        "country": "Turkey",
        "age": "40",
        "sort": "relevance",
    }
    # the index version; the base's size (one bucket), every facet in one grouped query, the top conditions (the
    # condition filter is in use: the size of their set, then the count); the page's ids, trials, conditions,
    # countries, snippets; the condition's name for its chip, and whether the condition typed is a name ("Did you
    # mean" when not). Again: the counts come from the cache.
    cache.clear()
    with django_assert_num_queries(12):
        search(params)
    with django_assert_num_queries(8):
        search(params)
    # the index version twice (counts, then the whole index's groups), the groups, the top conditions; the page's
    # ids, trials, conditions, countries (no snippets without words)
    with django_assert_num_queries(8):
        search({})


def test_a_search_plans_its_statements_with_their_values_and_a_record_page_keeps_its_own_prepared(search, client):
    """PostgreSQL prepares a statement run five times on a connection and may then plan it once for any values; a
    search's best plan depends on its words and filters (trials.search.backends.PostgresBackend.planned_with_values)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    params = {"q": "pain", "status": "RECRUITING", "phase": "PHASE2"}
    for nct_id in list(RECORDS)[:6]:  # six records: a page once served comes from the cache
        search(params)
        for path in ("/trials/export.csv", "/trials/export.json", "/trials/feed/"):  # each reads the search too
            response = client.get(path, params)
            assert response.status_code == 200
            b"".join(response)  # a download reads its rows as it streams
        assert client.get(f"/trials/{nct_id}/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any('"trials_trial"."nct_id" = $1' in statement for statement in prepared), prepared
    searches = [sql for sql in prepared if sql.startswith("SELECT") and "trials_searchentry" in sql]
    assert searches == []


def test_each_postgresql_connection_has_the_work_mem_set(db, settings):
    """The server's 4MB made a search's status and phase bitmaps lossy at 500,000 trials (settings.DATABASE_WORK_MEM):
    every new connection, the replicas' too, sets its own."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's work_mem")
    settings.DATABASE_WORK_MEM = "24MB"
    fresh = connection.copy()
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SHOW work_mem")
            assert cursor.fetchone() == ("24MB",)
    finally:
        fresh.close()


# Sorting and pages


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("updated", lambda t: (t.last_update_posted_date, t.pk)),
        ("start", lambda t: (t.start_date or date.min, t.pk)),
        ("enrollment", lambda t: (t.enrollment_count if t.enrollment_count is not None else -1, t.pk)),
    ],
)
def test_sorts_order_the_whole_list(search, sort, key):
    trials = sorted(Trial.objects.all(), key=key, reverse=True)
    first = found(search({"sort": sort}))
    if sort == "start":  # no start date sorts last on PostgreSQL and first on SQLite: compare the dated ones
        trials = [t for t in trials if t.start_date]
        first = [n for n in first if Trial.objects.get(nct_id=n).start_date][: len(first)]
    if sort == "enrollment":
        trials = [t for t in trials if t.enrollment_count is not None]
        first = [n for n in first if Trial.objects.get(nct_id=n).enrollment_count is not None]
    assert first == [t.nct_id for t in trials][: len(first)]


def test_title_sort_is_a_to_z(search):
    titles = [Trial.objects.get(nct_id=n).brief_title.lower() for n in found(search({"sort": "title"}))]
    assert titles == sorted(titles) and len(titles) == 20
