"""Exact saves: every bundled record, saved in the editor as a browser sends its form back unchanged, stays the
registry's record: no version records a change, and its export is the record as imported."""

import pytest
from django.conf import settings

from trials.choices import Publication
from trials.models import Trial
from trials.registry import study_json

from .conftest import differences, load_json, sample_paths
from .factories import save_as_a_browser

pytestmark = pytest.mark.django_db

# Every record on SQLite; on PostgreSQL every third (44 of 131: forms, text and JSON are read alike on both, and a
# record costs ~1 s of CPU, most of it drawing its 300 KB form), so .ci/run stays near its 15 minutes.
ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
RECORDS = sample_paths()[::3] if ON_POSTGRESQL else sample_paths()


@pytest.mark.parametrize("path", RECORDS, ids=lambda path: path.stem)
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
