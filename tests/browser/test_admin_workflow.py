"""Staff's review workflow in real Chromium: an editor revises a published trial and submits it, a reviewer sees
what changed and publishes it; the change form with its workflow buttons passes axe at 1280 and 360 px.

Screenshots of each admin page at 1280 and 360 px go to tests/browser/screenshots/ (ignored by git).
"""

import secrets
from importlib import import_module

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import DESKTOP, MOBILE, SEED_NCT, horizontal_overflow
from .test_accessibility import AXE_OPTIONS, describe

pytestmark = pytest.mark.browser

NEW_TITLE = "A clearer title for patients"


@pytest.fixture
def staff(seed_site, django_user_model):
    """An editor and a reviewer with passwords (username -> password), the seed trial in the database.

    The roles are the groups their migration makes, made again when an earlier test's flush emptied the tables."""
    from django.contrib.auth.models import Group, Permission

    for name, codenames in import_module("trials.migrations.0004_roles").ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(content_type__app_label="trials", codename__in=codenames))
    passwords = {}
    for username, role in (("editor", "Trial editors"), ("reviewer", "Trial reviewers")):
        passwords[username] = secrets.token_urlsafe(16)
        user = django_user_model.objects.create_user(username, password=passwords[username], is_staff=True)
        user.groups.add(Group.objects.get(name=role))
    return passwords


def sign_in(browser, site, username, password):
    """A page of a new browser context at 1280 px, signed in to the admin."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site}/admin/")
    return page


def snap(page, folder, name):
    """Screenshots at 360 px (the whole page) and 1280 px (the first screen, as staff see it on opening)."""
    page.set_viewport_size(MOBILE)
    page.screenshot(path=folder / f"admin-{name}-360.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=folder / f"admin-{name}-1280.png")


def workflow_bar(page):
    return page.get_by_role("region", name="Review workflow")


def title(page):
    return " ".join(page.get_by_role("heading", level=1).inner_text().split())


def test_an_editor_revises_and_submits_then_a_reviewer_checks_the_changes_and_publishes(
    browser, seed_site, staff, screenshots
):
    site = seed_site
    editor = sign_in(browser, site, "editor", staff["editor"])
    editor.goto(f"{site}/admin/trials/trial/")
    editor.get_by_role("link", name=SEED_NCT).click()
    assert title(editor) == "View trial Published"
    snap(editor, screenshots, "published")

    # The editor starts a revision, changes the title and submits the revision for review.
    workflow_bar(editor).get_by_role("button", name="Edit in a new revision").click()
    editor.wait_for_load_state()
    assert title(editor) == f"Change trial Draft Revision of {SEED_NCT}"
    editor.get_by_label("Brief title").fill(NEW_TITLE)
    editor.get_by_role("button", name="Save and continue editing").click()
    editor.wait_for_load_state()
    assert workflow_bar(editor).get_by_role("link", name="Review and publish").count() == 0  # not a reviewer
    snap(editor, screenshots, "revision-draft")
    workflow_bar(editor).get_by_role("button", name="Submit for review").click()
    editor.wait_for_load_state()
    assert "Submitted for review" in editor.locator(".messagelist").inner_text()
    assert title(editor) == f"Change trial In review Revision of {SEED_NCT}"

    # The reviewer finds the revision in the list: its state is the second column, on the first screen.
    reviewer = sign_in(browser, site, "reviewer", staff["reviewer"])
    reviewer.goto(f"{site}/admin/trials/trial/")
    header = reviewer.locator("th.column-published_state").bounding_box()
    assert header["x"] + header["width"] <= DESKTOP["width"]
    rows = reviewer.locator("#result_list tbody tr")
    revision_row = rows.filter(has=reviewer.get_by_role("link", name=f"Revision of {SEED_NCT}"))
    live_row = rows.filter(has=reviewer.get_by_role("link", name="Revision pending"))
    assert "In review" in revision_row.inner_text() and "Published" in live_row.inner_text()
    snap(reviewer, screenshots, "list")

    # ... opens it, and sees what the public will see change before publishing.
    revision_row.get_by_role("link", name=SEED_NCT, exact=True).click()
    reviewer.wait_for_load_state()
    snap(reviewer, screenshots, "revision-in-review")
    workflow_bar(reviewer).get_by_role("link", name="Review and publish").click()
    reviewer.wait_for_load_state()
    changes = reviewer.locator(".workflow-changes")
    assert "brief title" in changes.inner_text().lower()
    assert NEW_TITLE.split()[-1] in changes.locator("ins").all_inner_texts()[0]
    snap(reviewer, screenshots, "review-and-publish")
    reviewer.get_by_role("button", name="Publish", exact=True).click()
    reviewer.wait_for_load_state()
    assert "Published: the public sees this version now." in reviewer.locator(".messagelist").inner_text()
    assert title(reviewer) == "View trial Published"

    # The public sees the new title.
    reviewer.goto(f"{site}/trials/{SEED_NCT}/")
    assert reviewer.get_by_role("heading", level=1).inner_text().strip() == NEW_TITLE
    editor.context.close()
    reviewer.context.close()


def axe_report(page, where, parts):
    """axe-core's violations in these parts of the page (CSS selectors) at 1280 and 360 px, as lines to read."""
    report = []
    for size in (DESKTOP, MOBILE):
        page.set_viewport_size(size)
        found = Axe().run(page, context={"include": [[part] for part in parts]}, options=AXE_OPTIONS)
        if violations := found.response["violations"]:
            report.append(f"axe-core, {size['width']} px wide, {where}:\n{describe(violations)}")
    return report


def test_the_workflow_buttons_and_the_publish_page_pass_axe(browser, seed_site, staff):
    """The title with the state, the workflow bar and the Publish page (the rest of the admin is Django's own)."""
    from trials import workflow
    from trials.models import Trial

    revision = workflow.start_revision(Trial.objects.get(nct_id=SEED_NCT), None)
    Trial.objects.filter(pk=revision.pk).update(brief_title=NEW_TITLE)
    page = sign_in(browser, seed_site, "reviewer", staff["reviewer"])
    page.goto(f"{seed_site}/admin/trials/trial/{revision.pk}/change/")
    assert workflow_bar(page).get_by_role("button").all_inner_texts() == ["Submit for review"]
    assert workflow_bar(page).locator("a.button").all_inner_texts() == ["Review and publish", "Discard revision"]
    report = axe_report(page, "the change form", ["h1.trial-title", ".workflow"])

    page.set_viewport_size(DESKTOP)
    workflow_bar(page).get_by_role("link", name="Review and publish").click()
    page.wait_for_load_state()
    report += axe_report(page, "the Publish page", ["#content"])
    if overflow := horizontal_overflow(page):
        report.append("360 px wide, the Publish page scrolls sideways because of:\n" + "\n".join(overflow))
    assert not report, "\n\n".join(report)
    page.context.close()
