"""The trial editor in real Chromium: at 1280 px no page of the seed trial scrolls sideways (every inline
column shows), whether it is read-only (published), editable (its revision), a new trial, a past version or
the history."""

import secrets

import pytest

from .conftest import SEED_NCT, horizontal_overflow

pytestmark = pytest.mark.browser


def test_no_admin_page_of_the_seed_trial_is_wider_than_the_screen(page, seed_site, django_user_model):
    from trials import workflow
    from trials.models import Trial

    password = secrets.token_urlsafe(16)
    user = django_user_model.objects.create_superuser("editor", password=password)
    trial = Trial.objects.get(nct_id=SEED_NCT)
    revision = workflow.start_revision(trial, user)
    page.goto(f"{seed_site}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{seed_site}/admin/")

    version = trial.history.first().history_id
    found = {}
    pages = [f"{trial.pk}/change/", f"{revision.pk}/change/", "add/", f"{trial.pk}/history/{version}/"]
    for path in [*pages, f"{trial.pk}/history/"]:
        page.goto(f"{seed_site}/admin/trials/trial/{path}")
        assert page.locator("#site-name").inner_text() == "Trial portal: staff editing"
        found[path] = horizontal_overflow(page)
    assert {path: causes for path, causes in found.items() if causes} == {}
