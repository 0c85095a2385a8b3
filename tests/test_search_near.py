"""Searching near a place, as a patient sees it: which place was understood (and which others it could have
been), the distance and sort in use shown in their boxes, and sites not yet recruiting counted like recruiting
ones. On the sample records (imported once for the module, tests/conftest.py), plus seeded trials."""

import copy
import re

import pytest

from .conftest import import_paths
from .factories import exported, found, sited_study

PARIS_TRIAL = "NCT06171568"  # the samples' one trial with a site in Paris: not yet recruiting, its site has no status


def text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def heading(response):
    html = response.content.decode()
    return text_of(re.search(r'<h2 id="results-heading".*?</h2>', html, re.S).group())


def selected(response, name):
    """The (value, label) of the options a select shows selected."""
    select = re.search(rf'<select name="{name}".*?</select>', response.content.decode(), re.S).group()
    return re.findall(r'<option value="([^"]*)" selected>([^<]*)</option>', select)


@pytest.fixture
def lyon_trials(seed_study, write_json, samples, db):
    """Three trials with sites in Lyon: one not yet recruiting there, one whose site follows the trial's status
    (not yet recruiting), and one whose only site there has completed."""
    studies = [
        sited_study(
            copy.deepcopy(seed_study),
            "NCT90000011",
            ("Hôpital Édouard Herriot", "Lyon", "France", "NOT_YET_RECRUITING"),
        ),
        sited_study(
            copy.deepcopy(seed_study),
            "NCT90000012",
            ("Centre Léon Bérard", "Lyon", "France"),
            status="NOT_YET_RECRUITING",
        ),
        sited_study(copy.deepcopy(seed_study), "NCT90000013", ("Closed clinic", "Lyon", "France", "COMPLETED")),
    ]
    for study in studies:
        assert import_paths(write_json(f"{study['protocolSection']['identificationModule']['nctId']}.json", study))
    return ["NCT90000011", "NCT90000012"]


def test_paris_france_finds_the_trial_not_yet_recruiting_there(search):
    response = search({"near": "Paris, France"})
    assert found(response) == [PARIS_TRIAL]
    assert "Nearest site:" in text_of(response.content.decode())
    assert heading(response) == "1 trial within 100 km of Paris, France"


def test_not_yet_recruiting_sites_count_in_the_list_its_sites_its_counts_and_its_export(search, client, lyon_trials):
    response = search({"near": "Lyon"})
    assert sorted(found(response)) == lyon_trials
    page = text_of(response.content.decode())
    assert "Nearest site: Hôpital Édouard Herriot, Lyon" in page and "Closed clinic" not in page
    assert heading(response) == "2 trials within 100 km of Lyon, France"
    counts = {value: count for value, _label, count, _on in response.context["results"].facets.choices("status")}
    assert counts == {"RECRUITING": 1, "NOT_YET_RECRUITING": 1}
    assert sorted(exported(client, {"near": "Lyon"})) == lyon_trials


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"near": "Boston"}, "100"),  # the default, not the first option (25 km)
        ({"near": "Boston", "distance": "250"}, "250"),
        ({"near": "Boston", "distance": "7"}, "100"),  # refused (and said so): the default is used
        ({}, "100"),
    ],
)
def test_the_distance_box_shows_the_distance_in_use(search, params, shown):
    assert selected(search(params), "distance") == [(shown, f"{shown} km")]


@pytest.mark.parametrize(
    ("params", "label", "value"),
    [
        ({"near": "Boston"}, "Distance", ""),  # by distance, not "Best match"
        ({"near": "Boston", "q": "cancer"}, "Distance", ""),
        ({"near": "Boston", "sort": "relevance"}, "Distance", ""),
        ({"near": "Boston", "sort": "title"}, "Title A–Z", "title"),
        ({"near": "Boston", "sort": "updated"}, "Last updated", "updated"),
        ({"near": "France"}, "Last updated", ""),  # a country has no point to measure from
        ({"q": "cancer"}, "Best match", ""),
        ({"sort": "distance"}, "Last updated", ""),  # nearest needs a city
        ({}, "Last updated", ""),
    ],
)
def test_the_sort_box_shows_the_order_in_use(search, params, label, value):
    """The default order's option sends no sort: the next search, with a place or words, has its own default."""
    response = search(params)
    assert selected(response, "sort") == [(value, label)]
    assert dict(response.context["filter"].form.fields["sort"].choices)[response.context["search"].sort] == label


def test_a_place_typed_on_a_page_in_its_default_order_is_searched_by_distance(search):
    assert selected(search({}), "sort") == [("", "Last updated")]
    by_distance = search({"near": "Boston", "distance": "500", "sort": ""})  # the form sent as the page showed it
    assert by_distance.context["search"].sort == "distance"
    listed = [trial.nearest_site.distance for trial in by_distance.context["page"]]
    assert len(listed) > 1 and listed == sorted(listed)
    assert '<option value="updated">Last updated</option>' in by_distance.content.decode()


def test_the_heading_names_the_place_understood_and_the_distance(search):
    assert heading(search({"near": "Boston", "distance": "250"})).endswith(
        "within 250 km of Boston, Massachusetts, United States"
    )
    assert heading(search({"near": "france"})).endswith("trial in France")
    assert "within" not in heading(search({"q": "cancer"}))


def test_an_ambiguous_place_says_which_was_chosen_and_links_the_others(search):
    response = search({"near": "Springfield", "distance": "250"})
    assert heading(response).endswith("within 250 km of Springfield, Missouri, United States")
    page = response.content.decode()
    assert "Not Springfield, Missouri, United States? Other places of that name:" in text_of(page)
    link = re.search(r'<a href="(\?[^"]*)">Springfield, Illinois, United States</a>', page).group(1)
    assert link == "?distance=250&amp;near=Springfield%2C+Illinois%2C+United+States"
    chosen = search({"near": "Springfield, Illinois, United States", "distance": "250"})
    assert heading(chosen).endswith("within 250 km of Springfield, Illinois, United States")
    assert "Other places" not in chosen.content.decode()
