"""Record history: every import and staff change is a version with who, when and the fields that changed."""

import pytest

from trials import history
from trials.models import Trial

from .conftest import import_paths
from .factories import change

pytestmark = pytest.mark.django_db


def reimport(write_json, study):
    assert import_paths(write_json("NCT07107204.json", study)).failures == []


def test_an_import_is_the_first_version_and_a_changed_reimport_the_next(seed_trial, seed_study, write_json):
    (first,) = seed_trial.history.all()
    assert first.history_type == "+" and first.history_change_reason == "Imported"
    assert first.record == seed_study["protocolSection"]

    change(seed_study, "identificationModule.briefTitle", "A new title")
    seed_study["protocolSection"]["contactsLocationsModule"]["locations"] = [
        {"facility": "Peking Union Medical College Hospital", "city": "Beijing", "country": "China"}
    ]
    reimport(write_json, seed_study)
    reimport(write_json, seed_study)  # unchanged: no new version
    newest, oldest = seed_trial.history.all()
    assert oldest == first and newest.history_type == "~"
    found = {(c.section, c.field): (c.old, c.new) for c in history.changes(oldest.record, newest.record)}
    assert found[("Identification", "brief title")] == (seed_trial.brief_title, "A new title")
    assert found[("Contacts and sites", "locations › 1 › facility")] == ("", "Peking Union Medical College Hospital")
    assert history.sections_changed(oldest.record, newest.record) == ["Identification", "Contacts and sites"]


def test_the_public_history_page_lists_published_versions_and_compares_two(client, seed_trial, seed_study, write_json):
    change(seed_study, "identificationModule.briefTitle", "A new title")
    reimport(write_json, seed_study)
    change(seed_study, "eligibilityModule.maximumAge", "80 Years")
    reimport(write_json, seed_study)

    page = client.get("/trials/NCT07107204/history/").content.decode()
    assert "Versions on this portal" in page
    assert page.count('name="from"') == 3
    assert "First version" in page and ">Identification<" in page and ">Eligibility<" in page
    # By default the last two versions are compared: only the age changed.
    latest = page.split("What changed from version 2 to version 3")[1]
    assert "Maximum age" in latest and "<ins>80</ins> Years" in latest and "Brief title" not in latest

    page = client.get("/trials/NCT07107204/history/", {"from": 1, "to": 3}).content.decode()
    diff = page.split("What changed from version 1 to version 3")[1]
    assert "Brief title" in diff and "A <ins>new title</ins>" in diff and "Maximum age" in diff


def test_a_changed_paragraph_shows_only_its_changed_words_with_registry_html_escaped(client, seed_study, write_json):
    reimport(write_json, seed_study)
    change(seed_study, "descriptionModule.briefSummary", lambda text: text.replace("two or three", "<b>four</b>"))
    reimport(write_json, seed_study)

    page = client.get("/trials/NCT07107204/history/").content.decode()
    diff = page.split("What changed from version 1 to version 2")[1]
    assert "intravenously every <del>two or three</del> weeks" in diff
    assert "intravenously every <ins>&lt;b&gt;four&lt;/b&gt;</ins> weeks" in diff
    assert "<b>four</b>" not in page
    assert diff.count("<del>") == 1 and diff.count("<ins>") == 1  # the rest of the paragraph is unmarked


def test_lists_show_the_items_removed_and_added_by_their_labels(client, seed_study, write_json):
    reimport(write_json, seed_study)
    change(seed_study, "conditionsModule.conditions", ["Leukemia", "Lymphoma", "Myelodysplastic Syndromes"])
    change(seed_study, "eligibilityModule.stdAges", ["ADULT"])
    reimport(write_json, seed_study)

    diff = client.get("/trials/NCT07107204/history/").content.decode().split("What changed from")[1]
    assert "<del>Relapsed or Refractory Hematologic Malignancies</del>; Leukemia; Lymphoma; <del>Multiple" in diff
    assert "Leukemia; Lymphoma; <ins>Myelodysplastic Syndromes</ins>" in diff
    assert "Adult (18–64); <del>Older adult (65+)</del>" in diff and "OLDER_ADULT" not in diff


@pytest.mark.parametrize("query", [{"from": 3, "to": 1}, {"from": "x", "to": 2}, {"from": 9, "to": 2}, {"to": 2}])
def test_a_bad_version_choice_explains_itself(client, seed_trial, seed_study, write_json, query):
    change(seed_study, "identificationModule.briefTitle", "A new title")
    reimport(write_json, seed_study)
    response = client.get("/trials/NCT07107204/history/", query)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_versions_of_an_unpublished_trial_are_not_listed(client, seed_trial, django_user_model):
    from trials import workflow

    user = django_user_model.objects.create_superuser("admin", password=None)
    workflow.unpublish(seed_trial, user)
    versions = Trial.objects.get(pk=seed_trial.pk).history.all()
    assert [v.publication for v in versions] == ["DRAFT", "PUBLISHED"]
    assert versions[0].history_user == user and versions[0].history_change_reason == "Unpublished"
    assert len(history.published_versions(seed_trial)) == 1
