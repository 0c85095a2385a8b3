"""What a published trial shows changes only under review (trials/admin/review.py): its sites through a revision, by
every role; a shared sponsor, condition or investigator by a reviewer, as a version of every trial showing it."""

import copy

import pytest

from trials import workflow
from trials.models import Location, Official, Trial

from .conftest import import_paths
from .factories import sited_study

pytestmark = pytest.mark.django_db

SITES = "/admin/trials/location/"
ROLES = ["Trial editors", "Trial reviewers"]
SITE_REFUSED = "is a site of a published trial"
SHARED_REFUSED = "only a reviewer may change it"


@pytest.fixture
def trials(seed_study, write_json):
    """Three published trials (as imported) made of the seed record, with a site each."""
    nct_ids = ["NCT90000001", "NCT90000002", "NCT90000003"]
    paths = [
        write_json(f"{nct_id}.json", sited_study(copy.deepcopy(seed_study), nct_id, ("Clinic", "Beijing", "China")))
        for nct_id in nct_ids
    ]
    assert import_paths(*paths).failures == []
    return list(Trial.objects.filter(nct_id__in=nct_ids).order_by("nct_id"))


def site_data(site, **changes):
    """The site's change form as staff send it, without contacts."""
    fields = ["trial", "position", "facility", "status", "city", "state", "zip", "country"]
    data = {name: getattr(site, "trial_id" if name == "trial" else name) for name in fields}
    return {**data, "contacts-TOTAL_FORMS": 0, "contacts-INITIAL_FORMS": 0, **changes}


def shown(response):
    """The page's text, with the messages the admin shows on it."""
    return response.content.decode()


def last_version(trial):
    return Trial.objects.get(pk=trial.pk).history.order_by("-history_date", "-history_id").first()


# Sites: a published trial's are edited in a revision, whatever the role


@pytest.mark.parametrize("role", ROLES)
def test_a_site_is_not_added_to_a_published_trial(client, login, trials, role):
    login(role)
    site = trials[0].locations.get()
    response = client.post(f"{SITES}add/", site_data(site, facility="New clinic", position=99))
    assert response.status_code == 200 and "its sites are edited in a revision" in shown(response)
    assert not Location.objects.filter(facility="New clinic").exists()


@pytest.mark.parametrize("role", ROLES)
def test_a_published_trials_site_page_says_to_edit_it_in_a_revision_and_keeps_it(client, login, trials, role):
    login(role)
    site = trials[0].locations.get()
    url = f"{SITES}{site.pk}/change/"
    page = shown(client.get(url))
    assert SITE_REFUSED in page and 'name="_save"' not in page
    response = client.post(url, site_data(site, facility="Renamed clinic"), follow=True)
    assert SITE_REFUSED in shown(response)
    assert Location.objects.get(pk=site.pk).facility == site.facility


@pytest.mark.parametrize("role", ROLES)
def test_a_published_trials_site_is_not_deleted_from_its_page_or_the_list(client, login, trials, role):
    login(role)
    site = trials[0].locations.get()
    response = client.post(f"{SITES}{site.pk}/delete/", {"post": "yes"}, follow=True)
    assert SITE_REFUSED in shown(response)
    selected = {"action": "delete_selected", "_selected_action": [site.pk], "post": "yes"}
    response = client.post(SITES, selected, follow=True)
    assert SITE_REFUSED in shown(response)
    assert Location.objects.filter(pk=site.pk).exists()
    assert last_version(trials[0]).history_change_reason != "Site deleted"


@pytest.mark.parametrize("how", ["page", "list"])
def test_a_drafts_site_deleted_is_a_version_of_the_trial_naming_who(client, login, trials, how):
    draft = trials[0]
    workflow.unpublish(draft, None)
    user = login("Trial editors")
    site = draft.locations.get()
    if how == "page":
        response = client.post(f"{SITES}{site.pk}/delete/", {"post": "yes"})
    else:
        response = client.post(SITES, {"action": "delete_selected", "_selected_action": [site.pk], "post": "yes"})
    assert response.status_code == 302 and not Location.objects.filter(pk=site.pk).exists()
    version = last_version(draft)
    assert (version.history_user, version.history_change_reason) == (user, "Site deleted")


def test_a_drafts_site_moved_to_a_published_trial_is_refused_and_to_a_draft_is_recorded_on_both(client, login, trials):
    draft, published, other = trials
    workflow.unpublish(draft, None)
    user = login("Trial editors")
    site = draft.locations.get()
    url = f"{SITES}{site.pk}/change/"
    response = client.post(url, site_data(site, trial=published.pk))
    assert response.status_code == 200 and "its sites are edited in a revision" in shown(response)
    workflow.unpublish(other, None)
    assert client.post(url, site_data(site, trial=other.pk)).status_code == 302
    for trial in (draft, other):
        assert (last_version(trial).history_user, last_version(trial).history_change_reason) == (user, "Site edited")


# Shared rows: once a published trial shows one, a reviewer changes it, and every trial showing it records it


def shared_rows(trial):
    """(admin path, row, the change form's data renaming it) of each kind of shared row the trial shows."""
    sponsor, condition = trial.lead_sponsor, trial.ordered_conditions[0]
    investigator = Official.objects.filter(trial=trial).first().investigator
    return [
        ("sponsor", sponsor, {"name": "Renamed", "slug": sponsor.slug, "agency_class": sponsor.agency_class}),
        ("condition", condition, {"name": "Renamed", "slug": condition.slug}),
        ("investigator", investigator, {"name": "Renamed", "affiliation": investigator.affiliation}),
    ]


@pytest.mark.parametrize("kind", [0, 1, 2], ids=["sponsor", "condition", "investigator"])
def test_editors_do_not_change_a_shared_row_a_published_trial_shows(client, login, seed_trial, kind):
    login("Trial editors")
    model, row, data = shared_rows(seed_trial)[kind]
    url = f"/admin/trials/{model}/{row.pk}/change/"
    page = shown(client.get(url))
    assert SHARED_REFUSED in page and 'name="_save"' not in page
    response = client.post(url, data, follow=True)
    assert SHARED_REFUSED in shown(response)
    assert type(row).objects.get(pk=row.pk).name == row.name
    assert last_version(seed_trial).history_change_reason != f"{model.capitalize()} edited: “Renamed”"


@pytest.mark.parametrize("kind", [0, 1, 2], ids=["sponsor", "condition", "investigator"])
def test_a_reviewers_change_to_a_shared_row_is_a_version_of_the_published_trial(client, login, seed_trial, kind):
    user = login("Trial reviewers")
    model, row, data = shared_rows(seed_trial)[kind]
    assert client.post(f"/admin/trials/{model}/{row.pk}/change/", data).status_code == 302
    renamed = type(row).objects.get(pk=row.pk)
    assert renamed.name == "Renamed"
    version = last_version(seed_trial)
    assert (version.history_user, version.history_change_reason) == (
        user,
        f"{model.capitalize()} edited: “{renamed}”"[:100],
    )


def test_editors_change_a_shared_row_only_drafts_show(client, login, seed_trial):
    workflow.unpublish(seed_trial, None)
    user = login("Trial editors")
    model, row, data = shared_rows(seed_trial)[0]
    assert client.post(f"/admin/trials/{model}/{row.pk}/change/", data).status_code == 302
    version = last_version(seed_trial)
    assert (version.history_user, version.history_change_reason) == (user, "Sponsor edited: “Renamed”")
