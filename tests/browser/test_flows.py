"""A visitor's path through the portal in real Chromium: search, narrow with facets, read a trial, print it.

Full-page screenshots at phone (360 px) and desktop (1280 px) widths go to tests/browser/screenshots/
(ignored by git) for a person to look at.
"""

import re

import pytest

from .conftest import DESKTOP, MOBILE

pytestmark = pytest.mark.browser

CONDITION = "asthma"  # 11 samples mention it, with several statuses and phases
TABS = [  # tab label, URL ending, a heading the section shows
    ("Design", "/design/", "Study design"),
    ("Groups", "/groups/", "Study groups"),
    ("Eligibility", "/eligibility/", "Who can take part"),
    ("Contacts & sites", "/contacts/", "Locations"),
]


OPTION_LABEL = """a => {
  const copy = a.cloneNode(true);
  copy.querySelectorAll('.check, .count, .visually-hidden').forEach(part => part.remove());
  return copy.textContent.trim();
}"""


def snap(page, folder, name):
    """Full-page screenshots at phone and desktop widths: NAME-360.png and NAME-1280.png."""
    for size in (MOBILE, DESKTOP):
        page.set_viewport_size(size)
        page.screenshot(path=folder / f"{name}-{size['width']}.png", full_page=True)


def result_total(page):
    """The number in the results heading ("11 trials match")."""
    match = re.match(r"(\d+) trials? match", page.locator("#results-heading").inner_text().strip())
    assert match, page.locator("#results-heading").inner_text()
    return int(match.group(1))


def facet(page, title):
    """The facet group headed TITLE in the "Narrow the results" panel."""
    return (
        page.get_by_role("complementary", name="Narrow the results")
        .locator("section")
        .filter(has=page.get_by_role("heading", name=title, exact=True))
    )


def choose_facet(page, title, label=None):
    """Select an option of a facet as a visitor does (the first one that narrows the results when no label);
    returns the option's label and the count it promised."""
    options = facet(page, title).get_by_role("link")
    total = result_total(page)
    for index in range(options.count()):
        option = options.nth(index)
        name = option.evaluate(OPTION_LABEL)
        count = int(option.locator(".count").inner_text())
        if (label is None and 0 < count < total) or name == label:
            option.click()
            page.wait_for_load_state()
            return name, count
    raise AssertionError(f"no {title} option narrows the {total} results: {options.all_inner_texts()}")


def test_search_filter_and_read_a_trial(page, site, screenshots):
    # Home page: search for a condition with the search box.
    page.goto(site + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Find a clinical trial"
    snap(page, screenshots, "home")
    page.get_by_role("search").get_by_label("Search for").fill(CONDITION)
    # closed trials too: the box that keeps to trials open to new patients is ticked by default
    page.get_by_role("search").get_by_label(re.compile("^Only trials open to new patients")).uncheck()
    page.get_by_role("search").get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/trials/\?q=asthma&near=&distance=100$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Find clinical trials"
    found = result_total(page)
    assert found > 2
    assert page.locator(".trial-list > li").count() == min(found, 20)
    assert page.get_by_label("Search for").input_value() == CONDITION
    snap(page, screenshots, "search")

    # Narrow by a recruitment status, then by a phase, with the facet links.
    status, promised = choose_facet(page, "Recruitment status", "Completed")
    assert result_total(page) == promised < found
    selected = facet(page, "Recruitment status").locator("a[aria-current='true']")
    assert selected.count() == 1 and status in selected.inner_text()
    assert page.get_by_label("Search for").input_value() == CONDITION, "the search words were lost"
    by_status = promised

    phase, promised = choose_facet(page, "Phase")
    assert result_total(page) == promised < by_status
    assert phase in facet(page, "Phase").locator("a[aria-current='true']").inner_text()
    assert status in facet(page, "Recruitment status").locator("a[aria-current='true']").inner_text()
    assert "status=COMPLETED" in page.url and "phase=" in page.url
    snap(page, screenshots, "search-filtered")

    # Open the first result: its page shows the title that was listed, with the chosen status and phase.
    first = page.locator(".trial-list > li").first
    title = first.get_by_role("heading").inner_text().strip()
    first.get_by_role("link", name=title).click()
    page.wait_for_url(re.compile(r"/trials/NCT\d{8}/$"))
    nct_id = re.search(r"NCT\d{8}", page.url).group(0)
    assert page.get_by_role("heading", level=1).inner_text().strip() == title
    snapshot = page.locator("dl.snapshot").inner_text()
    assert status in snapshot and phase in snapshot
    tabs = page.get_by_role("navigation", name="Record sections")
    assert tabs.locator("[aria-current='page']").inner_text() == "Overview"
    snap(page, screenshots, "record")

    # Each section tab: its own address and heading, and it is marked as the current tab.
    for label, ending, heading in TABS:
        tabs.get_by_role("link", name=label, exact=True).click()
        page.wait_for_url(f"**/trials/{nct_id}{ending}")
        assert page.get_by_role("heading", level=1).inner_text().strip() == title
        assert page.get_by_role("heading", name=heading, exact=True).first.is_visible()
        current = tabs.locator("[aria-current='page']")
        assert current.count() == 1 and current.inner_text() == label
        if label == "Eligibility":
            snap(page, screenshots, "eligibility")

    # The printable full record: every section on one page, with a way back.
    tabs.get_by_role("link", name="Full record").click()
    page.wait_for_url(f"**/trials/{nct_id}/full/")
    assert page.get_by_role("heading", level=1).inner_text().strip() == title
    headings = page.locator("h2.section-heading").all_inner_texts()
    assert headings == ["Overview", "Design", "Groups", "Eligibility", "Contacts & sites", "History"]
    assert page.get_by_role("link", name="Back to the record by section").is_visible()
    assert page.get_by_role("navigation", name="Record sections").count() == 0
    snap(page, screenshots, "full")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible(), "the site header is printed"


def test_quick_check_then_print_the_checklist(page, site, screenshots):
    """A patient checks a trial's basic rules on its eligibility page, then opens the printable checklist."""
    page.goto(site + "/trials/NCT07107204/eligibility/")
    check = page.get_by_role("region", name="Could I take part? A quick check")
    check.get_by_label("Your age in years").fill("72")
    check.get_by_label("Your sex (optional)").select_option("FEMALE")
    check.get_by_role("button", name="Check").click()
    page.wait_for_url(re.compile(r"/eligibility/\?age=72&sex=FEMALE"))
    answers = page.locator(".answers > li").all_inner_texts()
    assert answers[0] == "Does not fit Age 72: above this trial's maximum of 70 years"
    assert answers[1] == "Fits Sex: any"
    assert page.get_by_text("Only the study team can confirm whether you can take part.").first.is_visible()
    snap(page, screenshots, "quick-check")

    # A mistake is explained beside its field, and focus can go straight to it from the summary.
    check = page.get_by_role("region", name="Could I take part? A quick check")
    check.get_by_label("Your age in years").fill("150")
    check.get_by_role("button", name="Check").click()
    page.wait_for_load_state()
    age = page.get_by_label("Your age in years")
    assert age.get_attribute("aria-invalid") == "true"
    assert page.locator(f"#{age.get_attribute('aria-describedby')}").inner_text().strip()
    page.get_by_role("alert").get_by_role("link", name="Your age in years").click()
    assert page.evaluate("document.activeElement.id") == "id_age"

    # The checklist: each criterion with a box to tick, the answers, and a print button that JavaScript shows.
    page.goto(site + "/trials/NCT07107204/eligibility/?age=40")
    page.get_by_role("link", name="Print a checklist of the criteria").click()
    page.wait_for_url(re.compile(r"/eligibility/checklist/\?age=40"))
    assert page.get_by_role("heading", level=1).inner_text() == "Eligibility checklist"
    boxes = page.get_by_role("checkbox")
    assert boxes.count() > 5
    boxes.first.check()
    assert boxes.first.is_checked()
    assert page.get_by_role("button", name="Print this checklist").is_visible()
    snap(page, screenshots, "checklist")
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="Print this checklist").is_visible()
    assert not page.locator(".site-header").is_visible()


def test_search_near_a_city_and_read_the_glossary(page, site, screenshots):
    page.goto(site + "/trials/")
    search = page.get_by_role("search")
    search.get_by_label("Near").fill("Boston")
    search.get_by_label("Within").select_option("500")
    search.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"near=Boston"))
    nearest = page.locator(".trial-list .nearest").all_inner_texts()
    assert nearest and all(text.startswith("Nearest site:") and "km" in text for text in nearest)
    distances = [0 if "less than" in text else int(re.search(r"about (\d+) km", text)[1]) for text in nearest]
    assert distances == sorted(distances)
    snap(page, screenshots, "search-near")

    # A term on a record page explains itself in place, by keyboard, and links to the glossary.
    page.goto(site + "/trials/NCT07107204/design/")
    summary = page.locator("details.explain summary").first
    summary.focus()
    page.keyboard.press("Enter")
    details = page.locator("details.explain").first
    assert details.get_attribute("open") is not None
    details.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/glossary/#"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Glossary")
    snap(page, screenshots, "glossary")


@pytest.mark.parametrize("size", [MOBILE, DESKTOP], ids=["360", "1280"])
def test_a_place_typed_on_the_home_page_is_named_as_understood_with_its_namesakes(page, site, screenshots, size):
    page.set_viewport_size(size)
    page.goto(site + "/")
    search = page.get_by_role("search")
    search.get_by_label("Near").fill("Boston")
    search.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"near=Boston&distance=100"))
    heading = page.locator("#results-heading")
    assert heading.is_visible()
    assert heading.inner_text().endswith("within 100 km of Boston, Massachusetts, United States")
    if size == MOBILE:  # the form is folded behind "Change search" on a phone
        page.get_by_text("Change search").click()
    assert page.get_by_role("combobox", name="Within").input_value() == "100"
    assert page.get_by_role("combobox", name="Sort").locator("option:checked").inner_text() == "Distance"
    snap(page, screenshots, "search-near-place")

    page.set_viewport_size(size)
    page.get_by_role("link", name="Boston, United Kingdom").click()
    page.wait_for_url(re.compile(r"near=Boston%2C\+United\+Kingdom"))
    assert heading.inner_text().endswith("within 100 km of Boston, United Kingdom")
    if size == MOBILE:
        page.get_by_text("Change search").click()
    assert page.get_by_role("textbox", name="Near").input_value() == "Boston, United Kingdom"


def test_the_interface_in_chinese(page, site, screenshots):
    """The language switcher turns the interface to Simplified Chinese; registry text stays as registered."""
    page.goto(site + "/trials/NCT07107204/")
    page.get_by_label("Language").select_option("zh-hans")
    page.locator(".language-switcher").get_by_role("button").click()
    page.wait_for_url("**/trials/NCT07107204/")
    assert page.evaluate("document.documentElement.lang") == "zh-hans"
    tabs = page.get_by_role("navigation", name="记录各部分")
    assert tabs.locator("[aria-current='page']").inner_text() == "概览"
    assert "BT02" in page.get_by_role("heading", level=1).inner_text()
    snap(page, screenshots, "record-chinese")


def test_type_a_condition_pick_its_group_and_browse_the_conditions(page, site, screenshots):
    """A visitor types part of a condition: the box suggests names, MeSH groups first; the group finds every name of
    it. The conditions A–Z list the names under their group, and a condition's page shows its group."""
    page.goto(site + "/trials/")
    page.get_by_text("More filters").click()
    box = page.get_by_label("Condition:")
    box.press_sequentially("herniat", delay=30)
    options = page.locator("#condition-names option")
    options.first.wait_for(state="attached")
    values = options.evaluate_all("options => options.map(option => option.value)")
    assert values[0] == "Intervertebral Disc Displacement" and len(values) <= 10
    assert "herniat" in options.first.get_attribute("label").lower()  # so the browser shows the group too
    box.fill(values[0])
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"condition=Intervertebral"))
    assert page.locator("#results-heading").inner_text().strip() == "94 trials"
    snap(page, screenshots, "condition-group-search")

    page.goto(site + "/conditions/")
    group = page.locator(".condition-group").filter(
        has=page.get_by_role("link", name="Intervertebral Disc Displacement")
    )
    assert group.get_by_role("link", name="Disk Herniated Lumbar").is_visible()
    snap(page, screenshots, "conditions-grouped")
    group.get_by_role("link", name="Lumbar Disc Herniation").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="MeSH term: Intervertebral Disc Displacement").is_visible()
    assert page.get_by_role("link", name="Disk Herniated Lumbar").is_visible()
    snap(page, screenshots, "condition-in-group")
