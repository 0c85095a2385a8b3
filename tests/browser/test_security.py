"""The Content-Security-Policy in a real browser: no page of ours, public or admin, trips it."""

import secrets

import pytest

from .conftest import SEED_NCT
from .pages import PAGES

RECORD_VIOLATIONS = """() => {
  window.cspViolations = [];
  document.addEventListener('securitypolicyviolation',
    event => window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`));
}"""
ADMIN_PAGES = [
    "",
    "trials/trial/",
    "trials/trial/?q=lymphoma",
    "trials/sponsor/",
    "trials/location/",
]


def violations(page, url):
    page.goto(url)
    page.wait_for_load_state("load")
    return page.evaluate("window.cspViolations")


@pytest.fixture
def watched(page):
    page.add_init_script(f"({RECORD_VIOLATIONS})()")
    return page


def test_public_pages_break_no_rule_of_the_policy(watched, samples, live_server):
    paths = {name: path() if callable(path) else path for name, path in PAGES.items()}
    found = {name: violations(watched, live_server.url + path) for name, path in paths.items()}
    assert {name: found_here for name, found_here in found.items() if found_here} == {}


def test_admin_pages_break_no_rule_of_the_policy(watched, samples, live_server, django_user_model):
    password = secrets.token_urlsafe(16)
    django_user_model.objects.create_superuser("editor", password=password)
    watched.goto(f"{live_server.url}/admin/login/")
    watched.fill("#id_username", "editor")
    watched.fill("#id_password", password)
    watched.click("input[type=submit]")
    watched.wait_for_url(f"{live_server.url}/admin/")
    trial = django_user_model._meta.apps.get_model("trials", "Trial").objects.get(nct_id=SEED_NCT)
    pages = [*ADMIN_PAGES, f"trials/trial/{trial.pk}/change/", f"trials/trial/{trial.pk}/history/"]
    found = {path: violations(watched, f"{live_server.url}/admin/{path}") for path in pages}
    assert {path: found_here for path, found_here in found.items() if found_here} == {}
