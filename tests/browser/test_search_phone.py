"""The search page on a 360 px phone and a 1280 px screen: the first screen shows results or the Filters control,
the filters in use are chips that remove themselves, the phone's Filters control opens the filters above the
results, and the home page's search keeps to trials open to new patients unless its box is unticked.

Screenshots of a search with several filters go to tests/browser/screenshots/ (search-chips-360.png, …).
"""

import re

import pytest

from .conftest import DESKTOP, MOBILE

pytestmark = pytest.mark.browser

SEVERAL = "/trials/?q=disc&status=OPEN&status=COMPLETED&phase=NA&study_type=INTERVENTIONAL&age=40"


def chips(page):
    return page.get_by_role("list", name="Filters in use").get_by_role("link")


def chip_names_are(page, labels):
    """The chips are exactly these, in order, each a link named "Remove filter: <label>" (the × is not read)."""
    links = chips(page)
    assert links.count() == len(labels), links.all_inner_texts()
    for index, label in enumerate(labels):
        named = page.get_by_role("link", name=f"Remove filter: {label}", exact=True)
        assert named.count() == 1 and named.evaluate("(a, other) => a === other", links.nth(index).element_handle())


def in_first_screen(locator):
    """Shown, and its top inside the viewport as the page opens (no scrolling)."""
    box = locator.bounding_box()
    height = locator.page.viewport_size["height"]
    return locator.is_visible() and box is not None and 0 <= box["y"] < height


@pytest.mark.parametrize("size", [MOBILE, DESKTOP], ids=["360", "1280"])
def test_the_first_screen_of_a_search_shows_a_result_or_the_filters_control(page, site, screenshots, size):
    page.set_viewport_size(size)
    page.goto(site + SEVERAL)
    first_result = page.locator(".trial-list > li").first
    filters = page.locator("summary", has_text="Filters (5)")
    assert in_first_screen(first_result) or in_first_screen(filters), "neither a result nor Filters on the first screen"
    if size == MOBILE:
        assert in_first_screen(filters)
        assert not page.get_by_role("search").is_visible(), "the search form is not folded on a phone"
        assert not page.get_by_role("complementary", name="Narrow the results").is_visible()
    else:
        assert in_first_screen(first_result)
        assert not filters.is_visible(), "the phone's Filters control shows on a wide screen"
        assert page.get_by_role("complementary", name="Narrow the results").is_visible()
    page.screenshot(path=screenshots / f"search-chips-{size['width']}.png", full_page=True)


@pytest.mark.parametrize("size", [MOBILE, DESKTOP], ids=["360", "1280"])
def test_clicking_a_chip_removes_that_filter_only(page, site, size):
    page.set_viewport_size(size)
    page.goto(site + SEVERAL)
    assert chips(page).count() == 5
    page.get_by_role("link", name="Remove filter: Completed").click()
    page.wait_for_url(re.compile(r"phase=NA"))
    assert "COMPLETED" not in page.url and "status=OPEN" in page.url and "q=disc" in page.url
    chip_names_are(page, ["Recruiting or not yet recruiting", "Not applicable", "Interventional", "Age (years): 40"])
    page.get_by_role("link", name="Clear all filters").click()
    page.wait_for_url(re.compile(r"/trials/\?q=disc$"))
    assert page.get_by_role("list", name="Filters in use").count() == 0


def test_on_a_phone_the_filters_control_opens_the_filters_above_the_results(page, site, screenshots):
    page.set_viewport_size(MOBILE)
    page.goto(site + SEVERAL)
    filters = page.get_by_role("complementary", name="Narrow the results")
    results = page.get_by_role("region", name=re.compile("trials? match"))
    assert not filters.is_visible()
    page.locator("summary", has_text="Filters (5)").click()
    assert filters.is_visible()
    assert filters.bounding_box()["y"] + filters.bounding_box()["height"] <= results.bounding_box()["y"]
    # the choice of open trials comes first, chosen; choosing it again leaves the other statuses chosen
    assert filters.get_by_role("heading").first.inner_text() == "Open to new patients"
    page.screenshot(path=screenshots / "search-filters-open-360.png", full_page=True)
    filters.get_by_role("link", name=re.compile(r"^Recruiting or not yet recruiting")).click()
    page.wait_for_url(re.compile(r"\?q=disc&status=COMPLETED&phase=NA"))
    assert not filters.is_visible(), "the filters stay open after a choice, hiding the results"

    # "Change search" unfolds the form with the words in it
    page.get_by_text("Change search").click()
    assert page.get_by_role("search").get_by_label("Search for").input_value() == "disc"


def test_the_phone_page_works_without_javascript(browser, site):
    context = browser.new_context(viewport=MOBILE, java_script_enabled=False)
    page = context.new_page()
    page.goto(site + SEVERAL)
    page.locator("summary", has_text="Filters (5)").click()
    assert page.get_by_role("complementary", name="Narrow the results").is_visible()
    context.close()


def test_the_home_search_keeps_to_open_trials_unless_unticked(page, site):
    page.goto(site + "/")
    search = page.get_by_role("search")
    only_open = search.get_by_label("Only trials open to new patients (recruiting or not yet recruiting)")
    assert only_open.is_checked()
    search.get_by_label("Search for").fill("disc")
    search.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/trials/\?q=disc&near=&distance=100&status=OPEN$"))
    chip_names_are(page, ["Recruiting or not yet recruiting"])
    page.goto(site + "/")
    only_open.uncheck()
    search.get_by_label("Search for").fill("disc")
    search.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/trials/\?q=disc&near=&distance=100$"))
    assert page.get_by_role("list", name="Filters in use").count() == 0
