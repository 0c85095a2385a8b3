"""Real-browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live_server.

Playwright's sync API runs an asyncio loop in the test thread, which makes Django refuse ORM calls
("You cannot call this from an async context"); the tests only read and write the test database
from that thread between browser steps, so the guard is switched off for this folder.

The browser is never downloaded: `make test` installs Debian's chromium when /usr/bin/chromium is missing.
"""

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 360, "height": 800}
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
SEED_NCT = "NCT07107204"


WIDER_THAN_VIEWPORT = """() => {
  const width = document.documentElement.clientWidth;
  // content inside a box that scrolls sideways does not widen the page
  // (a box taken out of the flow is clipped only by scrolling boxes at or above its containing block)
  const scrolled = el => {
    let outOfFlow = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (outOfFlow && style.position === 'static') continue;
      outOfFlow = false;
      if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)) return true;
    }
    return false;
  };
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 1 && !scrolled(el));
  // the innermost ones name the cause
  const causes = wide.filter(el => !wide.some(other => other !== el && el.contains(other)))
    .map(el => el.closest('table') || el);  // a table is one cause, not one per cell
  return [...new Set(causes)].slice(0, 8).map(el =>
    `${el.tagName.toLowerCase()} reaches ${Math.round(el.getBoundingClientRect().right)}px of ${width}px: ` +
    el.outerHTML.slice(0, 160));
}"""

TEXT_WIDER_THAN_BOX = """() => {
  const wide = [...document.querySelectorAll('body *')].filter(el =>
    el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && getComputedStyle(el).overflowX === 'visible');
  return wide.filter(el => !wide.some(other => other !== el && el.contains(other)))
    .slice(0, 10)
    .map(el => `text ${el.scrollWidth - el.clientWidth}px too wide for its box: ${el.outerHTML.slice(0, 160)}`);
}"""


def horizontal_overflow(page):
    """Why the page scrolls sideways (WCAG 1.4.10 reflow): the innermost too-wide elements, [] when it fits."""
    if page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"):
        return []
    return page.evaluate(WIDER_THAN_VIEWPORT) or page.evaluate(TEXT_WIDER_THAN_BOX) or ["the page is too wide"]


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all the browser tests, closed after them: Playwright's loop then stops, so the
    tests that run after this folder see a thread without a running event loop."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def samples(transactional_db):
    """Every bundled sample record, committed so the server thread sees them (emptied again after each test)."""
    from tests.conftest import import_samples

    import_samples()


@pytest.fixture
def seed_site(live_server, transactional_db):
    """The live server's root address with only the seed trial in its database."""
    from tests.conftest import SEED_PATH, import_paths

    assert import_paths(SEED_PATH).failures == []
    return live_server.url


@pytest.fixture
def site(live_server, samples):
    """The live server's root address (no trailing slash), with the samples in its database."""
    return live_server.url


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
