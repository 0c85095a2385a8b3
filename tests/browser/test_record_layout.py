"""A record's page in real Chromium on a 360 px phone and a 1280 px desktop: the section tabs are one row that
scrolls sideways on the phone (with a shadow where more tabs lie, the current tab in view, reachable by keyboard)
and wrap as before on the desktop; the language switch is one line; the page never scrolls sideways.

Screenshots of the overview (the seed and a trial with sites, contacts and a place searched near) go to
tests/browser/screenshots/ for a person to look at.
"""

import pytest

from .conftest import DESKTOP, MOBILE, SEED_NCT, horizontal_overflow

pytestmark = pytest.mark.browser

COPLANT = "NCT06323538"  # recruiting at 8 sites in Germany and Austria, two central contacts with an email

TAB_ROW = """list => {
  const items = [...list.children].map(item => item.getBoundingClientRect());
  const style = getComputedStyle(list);
  return {
    tops: [...new Set(items.map(box => Math.round(box.top)))],
    scrollable: list.scrollWidth > list.clientWidth,
    overflowX: style.overflowX,
    hint: style.backgroundImage,
    scrollLeft: list.scrollLeft,
  };
}"""
INSIDE = """(element, box) => {
  const inner = element.getBoundingClientRect(), outer = box.getBoundingClientRect();
  return inner.left >= outer.left - 1 && inner.right <= outer.right + 1;
}"""


def tab_list(page):
    return page.get_by_role("navigation", name="Record sections").locator("ul")


@pytest.mark.parametrize("path", [f"/trials/{SEED_NCT}/", f"/trials/{COPLANT}/?near=Berlin&distance=500"])
def test_on_a_phone_the_tabs_are_one_row_that_scrolls_sideways_and_the_page_does_not(page, site, path):
    page.set_viewport_size(MOBILE)
    page.goto(site + path)
    row = tab_list(page).evaluate(TAB_ROW)
    assert len(row["tops"]) == 1, f"the tabs wrap onto {len(row['tops'])} rows"
    assert row["scrollable"] and row["overflowX"] == "auto"
    assert row["hint"].count("gradient(") == 4  # edge shadows, shown where more tabs lie
    assert row["scrollLeft"] == 0  # the overview's tab is the first
    assert horizontal_overflow(page) == []


def test_on_a_phone_the_current_tab_is_in_view(page, site):
    page.set_viewport_size(MOBILE)
    page.goto(f"{site}/trials/{SEED_NCT}/contacts/")
    tabs = tab_list(page)
    current = tabs.locator("[aria-current='page']")
    assert current.inner_text() == "Contacts & sites"
    assert tabs.evaluate("list => list.scrollLeft") > 0
    assert current.evaluate(INSIDE, tabs.element_handle())
    assert horizontal_overflow(page) == []


def test_on_a_phone_the_keyboard_reaches_every_tab_and_brings_it_into_view(page, site):
    page.set_viewport_size(MOBILE)
    page.goto(f"{site}/trials/{SEED_NCT}/")
    tabs = tab_list(page)
    links = tabs.get_by_role("link")
    assert not links.last.evaluate(INSIDE, tabs.element_handle())  # "Full record" lies past the edge at first
    links.first.focus()
    for index in range(1, links.count()):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        assert focused == links.nth(index).inner_text().strip()
        assert links.nth(index).evaluate(INSIDE, tabs.element_handle()), f"{focused} is focused out of view"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/trials/{SEED_NCT}/full/")


def test_on_a_phone_the_language_switch_is_one_line_and_the_title_block_short(page, site):
    page.set_viewport_size(MOBILE)
    page.goto(f"{site}/trials/{SEED_NCT}/")
    switch = page.locator(".language-switcher")
    tops = {round(switch.get_by_role(role).bounding_box()["y"]) for role in ("combobox", "button")}
    assert len(tops) == 1, "the language list and its button are on two lines"
    assert page.get_by_role("combobox", name="Language").is_visible()  # its label is still its name
    # the tabs and the start of the "at a glance" box are on the first screen
    assert tab_list(page).bounding_box()["y"] < MOBILE["height"] * 0.7
    assert page.get_by_role("heading", name="At a glance").bounding_box()["y"] < MOBILE["height"]


def test_on_a_desktop_the_tabs_and_the_header_are_as_before(page, site):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{site}/trials/{SEED_NCT}/")
    row = tab_list(page).evaluate(TAB_ROW)
    assert len(row["tops"]) == 1 and not row["scrollable"] and row["overflowX"] == "visible"
    assert row["hint"] == "none"
    assert page.locator(".language-switcher label").is_visible()
    assert page.locator("dl.snapshot").evaluate("dl => getComputedStyle(dl).display") == "grid"
    summary = page.locator(".snapshot .explain summary").first
    assert summary.evaluate("summary => getComputedStyle(summary).fontSize") != "0px"  # "What is this?" in words


@pytest.mark.parametrize(
    "name, path",
    [("overview-seed", f"/trials/{SEED_NCT}/"), ("overview-near", f"/trials/{COPLANT}/?near=Berlin&distance=500")],
)
def test_screenshots_of_the_overview(page, site, screenshots, name, path):
    for size in (MOBILE, DESKTOP):
        page.set_viewport_size(size)
        page.goto(site + path)
        assert page.get_by_role("heading", name="At a glance").is_visible()
        assert horizontal_overflow(page) == []
        page.screenshot(path=screenshots / f"{name}-{size['width']}.png", full_page=True)


def test_printing_a_record_opens_what_its_details_hold_and_closes_it_after(page, site):
    """The results' group descriptions and the glossary's explanations sit in closed <details>: printed, they show."""
    page.goto(f"{site}/trials/NCT01978912/full/")
    closed = "() => document.querySelectorAll('details:not([open])').length"
    before = page.evaluate(closed)
    assert before > 5
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    assert page.evaluate(closed) == 0
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    assert page.evaluate(closed) == before
