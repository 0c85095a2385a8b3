"""Staff editing that keeps faith with the record: two staff never overwrite each other unseen, and the registry's
dates stay the registry's (every record saved unchanged: test_admin_saves.py)."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from trials import workflow
from trials.models import Trial
from trials.registry import study_json

from .conftest import SEED_PATH, load_json
from .factories import browser_form_data, save_as_a_browser

pytestmark = pytest.mark.django_db

TRIALS = "/admin/trials/trial/"


# Two staff editing the same trial


@pytest.fixture
def editors(client, login, django_user_model):
    """Two editors, each logged in with their own browser (client)."""
    first = login("Trial editors")
    second = django_user_model.objects.create_user("second-editor", is_staff=True)
    second.groups.add(Group.objects.get(name="Trial editors"))
    other = Client()
    other.force_login(second)
    return (client, first), (other, second)


@pytest.fixture(params=["draft", "revision"])
def edited(request, seed_trial):
    """The seed as a draft edited in place, or as the pending revision of the published seed."""
    if request.param == "draft":
        workflow.unpublish(seed_trial, None)
        return Trial.objects.get(pk=seed_trial.pk)
    return workflow.start_revision(seed_trial, None)


def test_a_save_from_a_page_opened_before_anothers_save_is_refused_and_overwrites_nothing(editors, edited):
    (first, first_user), (second, _second_user) = editors
    url = f"{TRIALS}{edited.pk}/change/"
    first_page, second_page = (
        browser_form_data(first.get(url), "trial_form"),
        browser_form_data(second.get(url), "trial_form"),
    )
    summary = edited.brief_summary

    saved = first.post(url, {**first_page, "brief_title": ["The first editor's title"], "_save": ["Save"]})
    assert saved.status_code == 302
    refused = second.post(url, {**second_page, "brief_summary": ["The second editor's summary"], "_save": ["Save"]})

    assert refused.status_code == 200
    assert "This trial was changed after you opened this page. Your changes were not saved" in refused.content.decode()
    assert "The second editor&#x27;s summary" in refused.content.decode()  # still on the page, to copy
    trial = Trial.objects.get(pk=edited.pk)
    assert (trial.brief_title, trial.brief_summary) == ("The first editor's title", summary)
    assert trial.history.first().history_user == first_user

    reopened = browser_form_data(second.get(url), "trial_form")
    assert reopened["brief_title"] == ["The first editor's title"]
    again = second.post(url, {**reopened, "brief_summary": ["The second editor's summary"], "_save": ["Save"]})
    assert again.status_code == 302
    trial = Trial.objects.get(pk=edited.pk)
    assert (trial.brief_title, trial.brief_summary) == ("The first editor's title", "The second editor's summary")


def test_a_save_from_a_page_opened_before_an_import_or_a_workflow_step_is_refused(client, login, edited):
    login("Trial editors")
    url = f"{TRIALS}{edited.pk}/change/"
    page = browser_form_data(client.get(url), "trial_form")
    workflow.submit(edited, None)
    response = client.post(url, {**page, "brief_title": ["Late title"], "_save": ["Save"]})
    assert response.status_code == 200 and "Your changes were not saved" in response.content.decode()
    assert Trial.objects.get(pk=edited.pk).brief_title != "Late title"


# The registry's dates and the date edited here


def test_the_editor_shows_the_registrys_dates_read_only_and_an_edit_dates_itself_here(client, login, seed_trial):
    login("Trial editors")
    workflow.unpublish(seed_trial, None)
    assert Trial.objects.get(pk=seed_trial.pk).edited_at is None  # imported and unpublished, never edited here
    fields = browser_form_data(client.get(f"{TRIALS}{seed_trial.pk}/change/"), "trial_form")
    assert "last_update_posted_date" not in fields and "first_posted_date" not in fields
    assert "start_date" in fields  # the sponsor's own dates stay editable

    response = save_as_a_browser(client, seed_trial, brief_title=["A plainer title"])
    assert response.status_code == 302
    trial = Trial.objects.get(pk=seed_trial.pk)
    assert trial.edited_at is not None and trial.last_update_posted_date.isoformat() == "2025-09-17"
    page = client.get(f"{TRIALS}{seed_trial.pk}/change/").content.decode()
    assert "Edited here" in page and "changed only by an import" in page
    assert (
        study_json(Trial.objects.for_export().get(pk=seed_trial.pk))["protocolSection"]["statusModule"]
        == (load_json(SEED_PATH)["protocolSection"]["statusModule"])
    )
