"""axe-core in real Chromium: no WCAG 2.2 A/AA violation on the public pages, at desktop and phone widths,
and no sideways scrolling on a 360 px phone.

Also keyboard use of a record page: the skip link comes first and shows, every focused control
shows a focus indicator, and the skip link takes focus into the main content.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import MOBILE, SEED_NCT, horizontal_overflow
from .pages import PAGES

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


def describe(violations):
    """Each violation with its rule, help and failing nodes, so the fix is plain from the test output."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}\n  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' > '.join(map(str, node['target']))}: {node['html'][:300]}")
            summary = node.get("failureSummary")
            if summary:
                lines.append("      " + summary.replace("\n", "\n      "))
    return "\n".join(lines)


def axe_violations(page):
    return Axe().run(page, options=AXE_OPTIONS).response["violations"]


@pytest.mark.parametrize("name", PAGES)
def test_wcag_aa(page, site, name):
    """axe-core finds no violation at 1280 and 360 px wide, and at 360 px the page does not scroll sideways."""
    path = PAGES[name]() if callable(PAGES[name]) else PAGES[name]
    if path.endswith("?lang=zh-hans"):
        page.set_extra_http_headers({"Accept-Language": "zh-hans"})
        path = path.removesuffix("?lang=zh-hans")
    response = page.goto(site + path)
    assert response.status == (404 if name == "not-found" else 200), path

    report = []
    desktop = axe_violations(page)
    if desktop:
        report.append(f"axe-core, 1280 px wide, {path}:\n{describe(desktop)}")
    page.set_viewport_size(MOBILE)
    mobile = axe_violations(page)
    if mobile:
        report.append(f"axe-core, 360 px wide, {path}:\n{describe(mobile)}")
    overflow = horizontal_overflow(page)
    if overflow:
        report.append(f"reflow (WCAG 1.4.10), 360 px wide, {path} scrolls sideways because of:\n" + "\n".join(overflow))
    assert not report, "WCAG 2.2 AA problems\n" + "\n\n".join(report)


def test_the_phones_unfolded_search_form_and_filters_stay_clean(page, site):
    """At 360 px, with "Change search" and "Filters (n)" both open: axe-core finds nothing, nothing scrolls sideways."""
    page.set_viewport_size(MOBILE)
    page.goto(site + PAGES["search-filters"])
    page.get_by_text("Change search").click()
    page.locator("summary", has_text="Filters (5)").click()
    assert page.get_by_role("search").is_visible()
    assert page.get_by_role("complementary", name="Narrow the results").is_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    assert not horizontal_overflow(page)


FOCUS_STYLE = """el => {
  const style = getComputedStyle(el);
  return {outline: style.outlineStyle, outlineWidth: style.outlineWidth, shadow: style.boxShadow};
}"""
FOCUSABLE = "a, button, input, select, textarea, summary, [tabindex]"


def focused(page):
    return page.evaluate_handle("document.activeElement").as_element()


def test_skip_link_is_the_first_focus_and_shows(page, seed_site):
    page.goto(f"{seed_site}/trials/{SEED_NCT}/")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first.evaluate("el => el.classList.contains('skip-link')"), first.evaluate("el => el.outerHTML")
    assert first.inner_text().strip() == "Skip to content"
    box = first.bounding_box()
    viewport = page.viewport_size
    assert box and box["width"] > 0 and box["height"] > 0, "the focused skip link has no size"
    assert 0 <= box["x"] < viewport["width"] and 0 <= box["y"] < viewport["height"], f"skip link off screen: {box}"


@pytest.mark.parametrize("path", [f"/trials/{SEED_NCT}/", "/trials/?q=disc&status=COMPLETED"])
def test_focused_controls_show_a_focus_indicator(page, seed_site, path):
    """Tab through the page's first 40 stops (header, tabs or search form and facets): each one shows focus."""
    page.goto(seed_site + path)
    missing = []
    seen = 0
    for _ in range(40):
        page.keyboard.press("Tab")
        element = focused(page)
        if not element.evaluate(f"el => el.matches({FOCUSABLE!r})"):
            break  # past the last control: focus went back to the document
        seen += 1
        style = element.evaluate(FOCUS_STYLE)
        if (style["outline"] == "none" or style["outlineWidth"] == "0px") and style["shadow"] == "none":
            missing.append(f"{element.evaluate('el => el.outerHTML')[:200]}: {style}")
    assert seen >= 8, f"only {seen} controls took focus on {path}"
    assert not missing, "focused without a visible focus indicator:\n" + "\n".join(missing)


def test_skip_link_moves_focus_to_main(page, seed_site):
    page.goto(f"{seed_site}/trials/{SEED_NCT}/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#content"
    on_main = page.evaluate("document.activeElement === document.getElementById('content')")
    active = page.evaluate("document.activeElement.tagName.toLowerCase()")
    page.keyboard.press("Tab")
    next_in_main = page.evaluate("document.getElementById('content').contains(document.activeElement)")
    assert next_in_main, "the Tab after the skip link does not land inside <main id=content>"
    assert on_main, f"focus stays on <{active}>, not on <main id=content> (it needs tabindex=-1 to take focus)"


CAPTION_AND_CHOICES = """() => {
  const width = document.documentElement.clientWidth;
  const cut = [...document.querySelectorAll('.versions caption, .versions input, .change-values dd')]
    .filter(el => el.getBoundingClientRect().right > width || el.getBoundingClientRect().left < 0);
  return cut.map(el => el.outerHTML.slice(0, 120));
}"""


def test_a_version_difference_reads_on_a_phone(page, seed_site, write_json):
    """Two versions compared: axe finds nothing at 1280 and 360 px, and on the phone the caption, every From/To
    choice and both the old and new value of each change are on screen, without sideways scrolling."""
    from tests.conftest import SEED_PATH, import_paths, load_json
    from tests.factories import change

    study = change(load_json(SEED_PATH), "descriptionModule.briefSummary", lambda text: text.replace("two", "2"))
    change(study, "conditionsModule.conditions", lambda conditions: [*conditions[1:], "Myelodysplastic Syndromes"])
    assert import_paths(write_json("NCT07107204.json", study)).failures == []

    page.goto(f"{seed_site}/trials/{SEED_NCT}/history/")
    assert page.locator(".change-values del").count() >= 2 and page.locator(".change-values ins").count() >= 2
    report = [f"axe-core, 1280 px wide:\n{describe(found)}" for found in [axe_violations(page)] if found]
    page.set_viewport_size(MOBILE)
    report += [f"axe-core, 360 px wide:\n{describe(found)}" for found in [axe_violations(page)] if found]
    report += [f"360 px wide, off screen: {cut}" for cut in page.evaluate(CAPTION_AND_CHOICES)]
    report += [f"360 px wide, scrolls sideways because of: {cause}" for cause in horizontal_overflow(page)]
    assert not report, "\n\n".join(report)
