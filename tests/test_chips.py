"""The search's filters in use as chips (trials/chips.py), "Clear all", and status=OPEN: the statuses of trials
open to new patients, as one value.

The first tests build chips from an address alone; the page tests import the samples once for the module
(the `samples` fixture in conftest.py) and check what a person sees and where each link leads.
"""

import re
from html import unescape

from django.http import QueryDict

from trials.chips import active_filters, open_choice, toggled
from trials.filters import TrialFilter
from trials.models import Condition, SearchEntry

from .factories import RECORDS, exported, found

SEARCH = "q=pain&near=Boston&distance=500&sort=updated&page=2"
FILTERS = "status=OPEN&status=COMPLETED&phase=PHASE2&sponsor_class=INDUSTRY&age=40&country=France&country=Spain"


def chips_of(address):
    return active_filters(TrialFilter(QueryDict(address), queryset=SearchEntry.objects.none()))


def pairs(address):
    """An address's parameters (its query string, with or without "?") as sorted (name, value), page left out."""
    query = QueryDict(address.removeprefix("?"))
    return sorted((name, value) for name, values in query.lists() if name != "page" for value in values)


# Chips from an address


def test_each_filter_value_in_use_is_one_chip_labelled_as_the_page_labels_it(db):
    chips = chips_of(f"{SEARCH}&{FILTERS}").chips
    assert [chip.label for chip in chips] == [
        "Recruiting or not yet recruiting",
        "Completed",
        "Phase 2",
        "Lead sponsor type: Industry",
        "Age (years): 40",
        "Country: France",
        "Country: Spain",
    ]


def test_each_chip_links_to_the_same_search_without_that_one_value(db):
    address = f"{SEARCH}&{FILTERS}"
    before = pairs(address)
    removed = {
        "Recruiting or not yet recruiting": ("status", "OPEN"),
        "Completed": ("status", "COMPLETED"),
        "Phase 2": ("phase", "PHASE2"),
        "Lead sponsor type: Industry": ("sponsor_class", "INDUSTRY"),
        "Age (years): 40": ("age", "40"),
        "Country: France": ("country", "France"),
        "Country: Spain": ("country", "Spain"),
    }
    for chip in chips_of(address).chips:
        assert pairs(chip.url) == [pair for pair in before if pair != removed[chip.label]], chip.label
        assert "page=" not in chip.url


def test_clear_all_keeps_the_words_place_distance_and_sort_and_drops_every_filter(db):
    clear = chips_of(f"{SEARCH}&{FILTERS}&healthy_volunteers=maybe").clear_all_url
    assert pairs(clear) == [("distance", "500"), ("near", "Boston"), ("q", "pain"), ("sort", "updated")]


def test_a_value_the_form_refused_has_no_chip(db):
    active = chips_of("status=BOGUS&phase=PHASE2&age=abc")
    assert [chip.label for chip in active.chips] == ["Phase 2"]
    assert active.clear_all_url == "?"


def test_open_with_an_open_status_spelt_out_is_one_chip_that_removes_both(db):
    (chip,) = chips_of("status=OPEN&status=RECRUITING").chips
    assert chip.label == "Recruiting or not yet recruiting"
    assert chip.url == "?"


def test_a_condition_chip_shows_the_conditions_name_for_its_slug(db):
    condition = Condition.objects.create(name="Quokka Fever", slug="quokka-fever")
    (chip,) = chips_of(f"condition={condition.slug}").chips
    assert chip.label == 'Condition: <span lang="en">Quokka Fever</span>'  # the registry's name, in English
    assert chip.url == "?"
    (typed,) = chips_of("condition=+No+such+thing+").chips
    assert typed.label == "Condition: No such thing"
    assert typed.url == "?"


def test_dates_and_single_choices_read_as_words(db):
    labels = [chip.label for chip in chips_of("start_from=2020-01&sex=FEMALE&has_results=true").chips]
    assert labels == ["Open to: Female", "Results posted: Yes", "Starts on or after: Jan. 1, 2020"]


# Links that add or remove one value


def test_removing_a_status_chosen_through_open_keeps_the_other_open_status():
    assert toggled(QueryDict("status=OPEN&q=pain"), "status", "RECRUITING") == "?status=NOT_YET_RECRUITING&q=pain"
    assert toggled(QueryDict("status=OPEN"), "status", "COMPLETED") == "?status=OPEN&status=COMPLETED"
    assert toggled(QueryDict("status=COMPLETED&page=3"), "status", "COMPLETED") == "?"


def test_the_open_choice_is_chosen_by_open_or_by_both_statuses_and_turns_over():
    assert open_choice(QueryDict("q=pain")) == (False, "?q=pain&status=OPEN")
    assert open_choice(QueryDict("status=COMPLETED&status=RECRUITING")) == (False, "?status=OPEN&status=COMPLETED")
    assert open_choice(QueryDict("status=OPEN&status=COMPLETED")) == (True, "?status=COMPLETED")
    assert open_choice(QueryDict("status=RECRUITING&status=NOT_YET_RECRUITING")) == (True, "?")


# The search page


OPEN_IDS = {n for n, r in RECORDS.items() if r["statusModule"]["overallStatus"] in {"RECRUITING", "NOT_YET_RECRUITING"}}


def test_status_open_finds_the_same_trials_as_both_open_statuses_in_list_export_feed_and_counts(client, search):
    assert OPEN_IDS and OPEN_IDS != set(RECORDS)
    spelt = {"status": ["RECRUITING", "NOT_YET_RECRUITING"]}
    alias = search({"status": "OPEN"})
    assert set(found(alias)) == set(found(search(spelt))) == OPEN_IDS
    assert alias.context["results"].total == len(OPEN_IDS)
    assert not alias.context["filter"].form.errors
    assert set(exported(client, {"status": "OPEN"})) == set(exported(client, spelt)) == OPEN_IDS
    feed = client.get("/trials/feed/", {"status": "OPEN"}).content.decode()
    assert set(re.findall(r"<guid[^>]*>(NCT\d{8})@", feed)) == OPEN_IDS
    alias_counts = alias.context["results"].facets.counts
    assert alias_counts == search(spelt).context["results"].facets.counts
    assert alias.context["open_trials"] == {"chosen": True, "url": "?", "count": len(OPEN_IDS)}


def test_open_and_a_bad_status_say_what_was_left_out_not_a_server_error(search):
    response = search({"status": ["OPEN", "BOGUS"], "q": "pain"})
    assert "BOGUS is not one of the available choices" in unescape(response.content.decode())
    assert response.context["active"].chips == []
    assert response.context["results"].total == search({"q": "pain"}).context["results"].total


def test_the_page_shows_each_chip_as_a_link_named_remove_filter_and_clear_all(search):
    response = search({"q": "disc", "status": "OPEN", "phase": "NA"})
    html = response.content.decode()
    assert "Filters (2)" in html
    chip = r'<a class="chip" href="([^"]*)"><span class="visually-hidden">Remove filter: </span>(.*?) <'
    links = re.findall(chip, html)
    assert [(unescape(href), label) for href, label in links] == [
        ("?q=disc&phase=NA", "Recruiting or not yet recruiting"),
        ("?q=disc&status=OPEN", "Not applicable"),
    ]
    assert '<a href="?q=disc">Clear all filters</a>' in html
    assert "(keeps your search words)" in html


def test_following_a_chip_removes_only_its_filter(search):
    params = {"q": "disc", "status": ["COMPLETED", "UNKNOWN"], "phase": "NA"}
    chips = search(params).context["active"].chips
    assert [chip.label for chip in chips] == ["Completed", "Unknown status", "Not applicable"]
    without_completed = search(QueryDict(chips[0].url.removeprefix("?")))
    unknown_only = search({**params, "status": "UNKNOWN"})
    assert without_completed.context["results"].total == unknown_only.context["results"].total
    assert [chip.label for chip in without_completed.context["active"].chips] == ["Unknown status", "Not applicable"]
    cleared = search(QueryDict(search(params).context["active"].clear_all_url.removeprefix("?")))
    assert cleared.context["active"].chips == []
    assert cleared.context["results"].total == search({"q": "disc"}).context["results"].total


def test_a_chosen_status_facet_inside_open_links_to_the_other_open_status(search):
    html = unescape(search({"status": "OPEN"}).content.decode())
    assert 'href="?status=NOT_YET_RECRUITING" class="selected" aria-current="true"' in html


def test_the_home_search_box_keeps_to_open_trials_unless_unticked(client, samples, db):
    html = client.get("/").content.decode()
    box = re.search(r'<input type="checkbox" name="status" value="OPEN" id="home-open-only" checked>', html)
    assert box, "the home page's search box has no ticked 'open trials' checkbox"
    assert "Only trials open to new patients (recruiting or not yet recruiting)" in html


def test_the_phone_search_summary_says_what_was_searched_and_opens_on_the_bare_page(search):
    folded = search({"q": "disc", "near": "Boston"}).content.decode()
    assert "“disc” near Boston, Massachusetts, United States" in folded
    assert '<details class="toggle search-toggle">' in folded
    assert '<details class="toggle search-toggle" open>' in search({}).content.decode()
    assert '<details class="toggle search-toggle" open>' in search({"age": "abc"}).content.decode()
