"""Exact saves: every bundled record, saved in the editor as a browser sends its form back unchanged, stays the
registry's record: no version records a change, and its export is the record as imported."""

import pytest

from trials.choices import Publication
from trials.models import Trial
from trials.registry import study_json

from .conftest import differences, load_json, sample_paths
from .factories import save_as_a_browser

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", sample_paths(), ids=lambda path: path.stem)
def test_a_sample_record_saved_unchanged_keeps_its_record_history_and_export(client, login, samples, path):
    login("Trial editors")
    trial = Trial.objects.get(nct_id=path.stem)
    # Editable in place. No version for this: a save that changed anything (record or state) would store one.
    Trial.objects.filter(pk=trial.pk).update(publication=Publication.DRAFT)
    versions = trial.history.count()
    response = save_as_a_browser(client, trial)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert trial.history.count() == versions
    assert differences(load_json(path), study_json(Trial.objects.for_export().get(pk=trial.pk))) == []
