"""Text search on the sample records: ranking, phrases, OR and exclusion, NCT IDs, and what a search
that found nothing suggests.

Expected matches are computed from the sample JSON files themselves (tests/factories.py), not by asking
the database the same question. The module imports the samples once (the `samples` fixture in
conftest.py; they are removed at the end); each test runs in its own rolled-back transaction on top.
"""

import io

import pytest

from .conftest import import_paths
from .factories import MOST_COMMON_CONDITION, RECORDS, exported, found, quokka_study


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


def test_a_snippet_shows_the_first_part_that_holds_the_words(search, seed_study, write_json, samples, db):
    """Summary, then description, then criteria: the snippet is the first of them with the words in it."""
    parts = {
        "NCT90000011": ("Bilby care in the summary.", "Bilby burrows described.", "* Bilby keepers"),
        "NCT90000012": ("A study.", "Burrows of the bilby, described at length.", "* Bilby keepers"),
        "NCT90000013": ("A study.", "Nothing of note.", "Inclusion Criteria:\n\n* Keepers of a bilby colony"),
    }
    paths = []
    for nct_id, (summary, description, criteria) in parts.items():
        study = quokka_study(seed_study, nct_id, f"Study {nct_id}", summary=summary, criteria=criteria)
        study["protocolSection"]["descriptionModule"]["detailedDescription"] = description
        paths.append(write_json(f"{nct_id}.json", study))
    assert import_paths(*paths).failures == []
    snippets = {trial.nct_id: trial.snippet for trial in search({"q": "bilby"}).context["page"]}
    assert snippets.keys() == parts.keys()
    assert snippets["NCT90000011"].startswith("<mark>Bilby</mark> care in the summary")
    assert snippets["NCT90000012"].startswith("Burrows of the <mark>bilby</mark>, described at length")
    assert snippets["NCT90000013"].endswith("Keepers of a <mark>bilby</mark> colony")


def test_an_edit_is_searchable_after_the_reimport(search, quokka_trials, seed_study, write_json):
    study = quokka_study(seed_study, "NCT90000003", "Platypus bites")
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


def test_rebuilding_the_index_finds_the_same_trials(client, samples, db):
    from django.core.management import call_command

    before = exported(client, {"q": "pain", "sort": "updated"})
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert out.getvalue() == f"{len(RECORDS)} trials indexed.\n"
    assert exported(client, {"q": "pain", "sort": "updated"}) == before and before
