"""Exact saves: every bundled record, saved in the editor as a browser sends its form back unchanged, stays the
registry's record: no version records a change, and its export is the record as imported.

What the browser sends is read from the forms the admin draws its page from (admin_form_data, ~0.2 s of CPU a
record) rather than from the drawn page (browser_form_data: drawing and parsing its ~300 KB took ~0.8 s); the save
itself takes ~0.35 s. For a few records both are read and must be the same, and those are saved from the page."""

import pytest
from django.conf import settings

from trials.choices import Publication
from trials.models import Trial
from trials.registry import study_json

from .conftest import differences, load_json, sample_paths
from .factories import admin_form_data, browser_form_data, save_as_a_browser, save_unchanged

pytestmark = pytest.mark.django_db

# Every record on SQLite; on PostgreSQL every third (44 of 131: forms, text and JSON are read alike on both), so that
# .ci/run stays under its 15 minutes: all 131 took ~150 s there, against ~110 s on SQLite.
ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
RECORDS = sample_paths()[::3] if ON_POSTGRESQL else sample_paths()
FROM_THE_PAGE = sample_paths()[::26]  # 6 records, the seed among them


def editable(path):
    """The sample trial at path, made a draft: editable in place. No version for this: a save that changed anything
    (record or state) would store one."""
    trial = Trial.objects.get(nct_id=path.stem)
    Trial.objects.filter(pk=trial.pk).update(publication=Publication.DRAFT)
    return trial


def assert_saved_unchanged(response, trial, versions, path):
    assert response.status_code == 302, response.context and response.context["errors"]
    assert trial.history.count() == versions
    assert differences(load_json(path), study_json(Trial.objects.for_export().get(pk=trial.pk))) == []


@pytest.mark.parametrize("path", RECORDS, ids=lambda path: path.stem)
def test_a_sample_record_saved_unchanged_keeps_its_record_history_and_export(client, login, samples, path):
    user = login("Trial editors")
    trial = editable(path)
    versions = trial.history.count()
    assert_saved_unchanged(save_unchanged(client, user, trial), trial, versions, path)


@pytest.mark.parametrize("path", FROM_THE_PAGE, ids=lambda path: path.stem)
def test_the_forms_give_what_the_drawn_page_sends_and_a_save_from_the_page_changes_nothing(
    client, login, samples, path
):
    user = login("Trial editors")
    trial = editable(path)
    versions = trial.history.count()
    page = browser_form_data(client.get(f"/admin/trials/trial/{trial.pk}/change/"), "trial_form")
    del page["csrfmiddlewaretoken"]  # the page's, which the test client does not check
    assert admin_form_data(user, trial) == page
    assert_saved_unchanged(save_as_a_browser(client, trial), trial, versions, path)
