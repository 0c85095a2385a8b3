"""The search page on the sample records: text, every filter, facets, sorting, exports, feed and bad input.

Expected matches are computed here from the sample JSON files themselves, not by
asking the database the same question. The module imports the samples once (they
are removed at the end); each test runs in its own rolled-back transaction on top.
"""

import csv
import io
import json
import re
from collections import Counter
from datetime import date

import pytest
from django.core.cache import cache

from trials.models import Condition, Investigator, Sponsor, Trial
from trials.search.backends import backend

from .conftest import SAMPLE_DIR, import_paths, load_json, sample_paths

RECORDS = {path.stem: load_json(path)["protocolSection"] for path in sample_paths()}
AGE_UNITS = {"year": 1, "month": 1 / 12, "week": 7 / 365.25, "day": 1 / 365.25, "hour": 1 / 8766, "minute": 1 / 525960}


@pytest.fixture(scope="module")
def samples(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        assert import_paths(SAMPLE_DIR).failures == []
    yield
    with django_db_blocker.unblock():
        Trial.objects.all().delete()
        for model in (Sponsor, Condition, Investigator):
            model.objects.all().delete()
        backend().clear()
        cache.clear()


@pytest.fixture
def search(client, samples, db):
    """GET /trials/ with these parameters; returns the response."""

    def get(params, path="/trials/"):
        response = client.get(path, params)
        assert response.status_code == 200, response.status_code
        return response

    return get


def found(response):
    """NCT IDs on a result page, in order."""
    return [trial.nct_id for trial in response.context["page"]]


def exported(client, params):
    """NCT IDs of every match, from the CSV export."""
    response = client.get("/trials/export.csv", params)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    return [row[0] for row in rows[1:]]


# Facts of a record, read from its JSON


def module(record, name):
    return record.get(name, {})


def age_years(text):
    if not text:
        return None
    number, unit = text.split()
    return float(number) * AGE_UNITS[unit.lower().rstrip("s")]


def padded(text):
    return date.fromisoformat((text + "-01-01")[:10] if len(text) == 4 else (text + "-01")[:10])


def record_date(record, struct):
    value = module(record, "statusModule").get(struct, {}).get("date")
    return padded(value) if value else None


def sponsors_of(record):
    sponsors = module(record, "sponsorCollaboratorsModule")
    return {sponsors["leadSponsor"]["name"].lower()} | {c["name"].lower() for c in sponsors.get("collaborators", [])}


def may_join(record, age):
    eligibility = module(record, "eligibilityModule")
    low, high = age_years(eligibility.get("minimumAge")), age_years(eligibility.get("maximumAge"))
    return (low is None or low <= age) and (high is None or high >= age)


MOST_COMMON_CONDITION = Counter(
    c for r in RECORDS.values() for c in module(r, "conditionsModule").get("conditions", [])
).most_common(1)[0][0]
MOST_COMMON_SPONSOR = Counter(
    r["sponsorCollaboratorsModule"]["leadSponsor"]["name"] for r in RECORDS.values()
).most_common(1)[0][0]

FILTER_CASES = [
    ({"status": "COMPLETED"}, lambda r: r["statusModule"]["overallStatus"] == "COMPLETED"),
    (
        {"status": ["RECRUITING", "NOT_YET_RECRUITING"]},
        lambda r: r["statusModule"]["overallStatus"] in {"RECRUITING", "NOT_YET_RECRUITING"},
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


# Full text


def _study(seed_study, nct_id, title, summary="", criteria="Inclusion Criteria:\n\n* Adults"):
    study = json.loads(json.dumps(seed_study))
    protocol = study["protocolSection"]
    protocol["identificationModule"].update(nctId=nct_id, briefTitle=title, officialTitle=title)
    protocol["identificationModule"].pop("acronym", None)
    protocol["descriptionModule"] = {"briefSummary": summary or "A study."}
    protocol["eligibilityModule"]["eligibilityCriteria"] = criteria
    protocol["conditionsModule"] = {"conditions": ["Quokka test condition"]}
    return study


@pytest.fixture
def quokka_trials(seed_study, write_json, samples, db):
    """Three trials made for text tests, with words no sample record has."""
    studies = [
        _study(seed_study, "NCT90000001", "Wombat syndrome in adults", criteria="Inclusion Criteria:\n\n* Adults"),
        _study(
            seed_study,
            "NCT90000002",
            "A study of sleep",
            summary="Sleep in people with a syndrome first seen in a wombat and quoll colony.",
            criteria="Exclusion Criteria:\n\n* Wombat bites in the last year\n* Numbat allergy",
        ),
        _study(seed_study, "NCT90000003", "Numbat bites", summary="How numbat bites heal."),
    ]
    assert (
        import_paths(
            *(write_json(f"{s['protocolSection']['identificationModule']['nctId']}.json", s) for s in studies)
        ).failures
        == []
    )


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("wombat", ["NCT90000001", "NCT90000002"]),  # the title match ranks above the criteria-only match
        ("WOMBATS", ["NCT90000001", "NCT90000002"]),  # case and plural (stemming) do not matter
        ('"wombat syndrome"', ["NCT90000001"]),  # a phrase: these words, next to each other
        ("wombat syndrome", ["NCT90000001", "NCT90000002"]),  # both words, anywhere
        ("wombat -numbat", ["NCT90000001"]),  # exclusion
        ("wombat numbat", ["NCT90000002"]),
        ("quoll OR numbat", {"NCT90000003", "NCT90000002"}),  # either word
        ('-"wombat syndrome" wombat', ["NCT90000002"]),  # a phrase excluded
    ],
)
def test_text_search_ranks_and_understands_phrases_or_and_exclusion(search, quokka_trials, q, expected):
    matches = found(search({"q": q}))
    assert (set(matches) if isinstance(expected, set) else matches) == expected


def test_ranking_puts_a_title_match_above_a_criteria_only_match(search, quokka_trials):
    response = search({"q": "wombat"})
    assert found(response) == ["NCT90000001", "NCT90000002"]
    snippet = response.context["page"][1].snippet  # where the trial without the word in its title matched
    assert "first seen in a <mark>wombat</mark> and quoll colony" in snippet
    assert response.context["search"].sort == "relevance"
    assert found(search({"q": "wombat", "sort": "title"})) == ["NCT90000002", "NCT90000001"]  # "a study…" < "wombat…"


def test_an_edit_is_searchable_after_the_reimport(search, quokka_trials, seed_study, write_json):
    study = _study(seed_study, "NCT90000003", "Platypus bites")
    assert import_paths(write_json("NCT90000003.json", study)).failures == []
    assert found(search({"q": "platypus"})) == ["NCT90000003"]
    assert "NCT90000003" not in found(search({"q": "numbat"}))


@pytest.mark.parametrize("q", ["NCT07107204", "nct07107204", "nct 0710 7204", " NCT07107204 ", "nct7107204"])
def test_an_nct_id_goes_straight_to_the_record(client, samples, db, q):
    response = client.get("/trials/", {"q": q, "status": "COMPLETED"})
    assert response.status_code == 302
    assert response["Location"] == "/trials/NCT07107204/"


def test_an_unknown_nct_id_is_searched_and_says_nothing_matched(search):
    response = search({"q": "NCT00000001"})
    assert response.context["results"].total == 0
    assert "No trial matches this search" in response.content.decode()


def test_no_results_suggests_a_near_spelling_and_filters_to_drop(search):
    word = MOST_COMMON_CONDITION.split()[0].lower()  # "lumbar"
    misspelt = word[:2] + word[3:]  # "lubar"
    response = search({"q": misspelt, "status": "COMPLETED"})
    assert response.context["results"].total == 0
    assert response.context["results"].respelt == word
    assert f'Did you mean <a href="?status=COMPLETED&amp;q={word}">{word}</a>?' in response.content.decode()
    response = search({"q": word, "status": "WITHDRAWN", "study_type": "OBSERVATIONAL"})
    loosen = {name: count for name, _, count in response.context["results"].loosen}
    assert "status" in loosen or "study_type" in loosen or "q" in loosen
    for name, count in loosen.items():
        params = {"q": word, "status": "WITHDRAWN", "study_type": "OBSERVATIONAL"}
        params.pop(name)
        assert search(params).context["results"].total == count


# Facets


@pytest.mark.parametrize("params", [{}, {"q": "pain"}, {"status": "COMPLETED", "phase": "NA"}, {"age": "30"}])
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


def test_a_search_page_reads_a_bounded_number_of_queries(search, quokka_trials, django_assert_max_num_queries):
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
    # the index version; facets: 1 + 1 per filtered facet (5) + top conditions; the page's ids, trials,
    # conditions, countries, snippets. The same search again finds its facet counts in the cache.
    with django_assert_max_num_queries(13):
        search(params)
    with django_assert_max_num_queries(6):
        search(params)
    with django_assert_max_num_queries(7):
        search({})


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


# Exports and feed


def test_exports_contain_exactly_the_matches_in_the_list_order(client, search):
    params = {"q": "pain", "sort": "updated"}
    response = search(params)
    listed = found(response)
    csv_ids = exported(client, params)
    assert len(csv_ids) == response.context["results"].total and csv_ids[:20] == listed
    data = json.loads(b"".join(client.get("/trials/export.json", params).streaming_content))
    assert [s["protocolSection"]["identificationModule"]["nctId"] for s in data["studies"]] == csv_ids
    assert data["totalCount"] == len(csv_ids) and "note" not in data
    first = data["studies"][0]
    assert first == load_json(SAMPLE_DIR / f"{csv_ids[0]}.json")  # the registry's record, unchanged


def test_exports_are_capped_with_a_note(client, samples, db, monkeypatch):
    monkeypatch.setattr("trials.search.exports.EXPORT_LIMIT", 5)
    data = json.loads(b"".join(client.get("/trials/export.json").streaming_content))
    assert len(data["studies"]) == 5 and data["totalCount"] == len(RECORDS)
    assert data["note"] == f"Only the first 5 of {len(RECORDS)} matches are included."
    response = client.get("/trials/export.csv")
    assert response["X-Export-Note"] == "Only the first 5 matches are included"
    assert len(list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))) == 6


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client, samples, db):
    Trial.objects.filter(nct_id="NCT07107204").update(brief_title='=HYPERLINK("http://evil")')
    rows = list(csv.reader(io.StringIO(b"".join(client.get("/trials/export.csv").streaming_content).decode())))
    titles = {row[0]: row[1] for row in rows[1:]}
    assert titles["NCT07107204"] == '\'=HYPERLINK("http://evil")'


def test_the_feed_lists_the_searchs_newest_updates_first(client, samples, db):
    response = client.get("/trials/feed/", {"status": "COMPLETED", "q": "pain"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    body = response.content.decode()
    items = re.findall(r"<guid isPermaLink=\"false\">(NCT\d{8})@", body)
    expected = [t.nct_id for t in Trial.objects.filter(nct_id__in=items).order_by("-last_update_posted_date", "-pk")]
    assert items and items == expected
    assert all(RECORDS[n]["statusModule"]["overallStatus"] == "COMPLETED" for n in items)
    assert "Trials matching “pain”" in body


# Home page


def test_the_home_page_shows_totals_top_conditions_and_recent_updates(client, samples, db):
    response = client.get("/")
    page = response.content.decode()
    recruiting = sum(r["statusModule"]["overallStatus"] == "RECRUITING" for r in RECORDS.values())
    assert f"{len(RECORDS)} trials" in page and f"{recruiting} recruiting now" in page
    assert MOST_COMMON_CONDITION in page
    newest = Trial.objects.order_by("-last_update_posted_date", "-pk").first()
    assert newest.brief_title in page
    assert 'role="search"' in page


# Bad input


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"status": "BOGUS"}, "status", "Select a valid choice"),
        ({"phase": "PHASE9"}, "phase", "Select a valid choice"),
        ({"age": "abc"}, "age", "Enter a number"),
        ({"age": "-4"}, "age", "greater than or equal to 0"),
        ({"start_from": "2020-13-45"}, "start_from", "Enter a valid date"),
        ({"updated_since": "yesterday"}, "updated_since", "Enter a valid date"),
        ({"q": "x" * 501}, "q", "at most 500 characters"),
        ({"q": "pain\x00"}, "q", "Null characters are not allowed"),
        ({"sort": "price"}, "sort", "Select a valid choice"),
        ({"healthy_volunteers": "maybe"}, "healthy_volunteers", "Select a valid choice"),
    ],
)
def test_a_value_the_form_cannot_use_is_reported_and_left_out(search, params, field, message):
    response = search(params)
    assert any(message in error for error in response.context["filter"].form.errors[field])
    assert response.context["results"].total == len(RECORDS)  # the rest of the search still runs
    assert message in response.content.decode().replace("&#x27;", "'")


@pytest.mark.parametrize(
    "q", ["AND (", '"unclosed', "*", "col:value", "- -", "NOT", "a OR", "OR OR", "'; DROP TABLE trials_trial; --", "^~"]
)
def test_syntax_characters_in_the_query_are_searched_as_text(search, q):
    response = search({"q": q})
    assert response.context["results"].total >= 0
    assert Trial.objects.count() == len(RECORDS)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "1e9"])
def test_odd_page_numbers_show_a_page(search, page):
    assert found(search({"q": "pain", "page": page}))


# Anything at all in the address


PARAMETERS = [
    "q", "status", "phase", "study_type", "condition", "intervention_type", "sponsor", "sponsor_class", "sex",
    "age", "healthy_volunteers", "country", "has_results", "start_from", "start_to", "updated_since", "sort", "page",
]  # fmt: skip
VALID = {
    "q": ["pain", '"low back pain"', "pain -lumbar", "surgery OR therapy", "NCT07107204"],
    "status": ["COMPLETED", "RECRUITING"],
    "phase": ["PHASE2", "NA", "EARLY_PHASE1"],
    "study_type": ["INTERVENTIONAL"],
    "condition": [MOST_COMMON_CONDITION, "lumbar-disc-herniation"],
    "intervention_type": ["DRUG", "DEVICE"],
    "sponsor": [MOST_COMMON_SPONSOR],
    "sponsor_class": ["INDUSTRY", "OTHER"],
    "sex": ["FEMALE", "MALE", "ALL"],
    "age": ["0", "18", "65.5", "130"],
    "healthy_volunteers": ["true", "false"],
    "country": ["Turkey", "France"],
    "has_results": ["true", "false"],
    "start_from": ["2019-01-01", "2019-05", "2019"],
    "start_to": ["2024-12-31"],
    "updated_since": ["2023-01-01"],
    "sort": ["relevance", "updated", "start", "enrollment", "title"],
    "page": ["1", "2", "50"],
}
HOSTILE = [
    "",
    " ",
    "AND (",
    '"',
    "*",
    ":",
    "-",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "\x00",
    "9" * 400,
    "-1",
    "1e308",
    "NaN",
    "2020-02-30",
    "💊" * 20,
    "%00",
    "NEAR(a b)",
    "{}",
    "..\\..",
]


@pytest.fixture(scope="module")
def hypothesis_settings():
    from hypothesis import HealthCheck, settings

    return settings(
        max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
    )


def test_no_combination_of_parameters_gives_a_server_error(client, samples, db, hypothesis_settings):
    from hypothesis import given
    from hypothesis import strategies as st

    text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60)
    value = st.one_of(*(st.sampled_from(v) for v in (sum(VALID.values(), []), HOSTILE)), text)
    params = st.dictionaries(
        st.sampled_from(PARAMETERS),
        st.lists(value, min_size=1, max_size=3),
        max_size=8,
    )
    seen = []

    @hypothesis_settings
    @given(params=params, path=st.sampled_from(["/trials/"] * 6 + ["/trials/export.csv", "/trials/feed/"]))
    def check(params, path):
        response = client.get(path, params)
        assert response.status_code in (200, 302), (path, params, response.status_code)
        seen.append(params)

    check()
    assert len(seen) >= 500


def test_the_feed_drops_characters_xml_cannot_carry(client, samples, db):
    Trial.objects.filter(nct_id="NCT07107204").update(brief_title="Bell\x07 trial")
    response = client.get("/trials/feed/", {"q": "bell\x1fpain"})
    assert response.status_code == 200
    assert "Trials matching “bellpain”" in response.content.decode()


def test_rebuilding_the_index_finds_the_same_trials(client, samples, db):
    from django.core.management import call_command

    before = exported(client, {"q": "pain", "sort": "updated"})
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert out.getvalue() == f"{len(RECORDS)} trials indexed.\n"
    assert exported(client, {"q": "pain", "sort": "updated"}) == before and before
