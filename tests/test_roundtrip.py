"""Import then export gives back the registry's whole record, also where the models cannot tell two forms apart;
whatever staff change in the models still wins. Each record is a bundled one, changed as little as possible."""

import copy
import json

import pytest

from trials.importer import Importer, Item
from trials.models import Trial
from trials.registry import study_json

from .conftest import MISSING, SAMPLE_DIR, differences, load_json

pytestmark = pytest.mark.django_db

SEED = "NCT07107204"

SITES = "NCT06171568"  # collaborators, keywords, references, a site with contacts and its point
ARMS = "armsInterventionsModule"
SITE = "contactsLocationsModule.locations[0]"


def bundled(nct_id):
    return copy.deepcopy(load_json(SAMPLE_DIR / f"{nct_id}.json"))


def changed(nct_id, path, value):
    """The bundled record with protocolSection[path] ("a.b[0].c") set to value: a function of the old
    value, or MISSING to remove it."""
    record = bundled(nct_id)
    keys = [int(k) if k.isdigit() else k for k in path.replace("[", ".").replace("]", "").split(".")]
    data = record["protocolSection"]
    for key in keys[:-1]:
        data = data[key]
    if value is MISSING:
        del data[keys[-1]]
    else:
        data[keys[-1]] = value(data[keys[-1]]) if callable(value) else value
    return record


def imported(record):
    with Importer() as importer:
        importer.add(Item("test.json", record))
    assert importer.result.failures == []
    return Trial.objects.get(nct_id=record["protocolSection"]["identificationModule"]["nctId"])


def exported(trial):
    return study_json(Trial.objects.for_export().get(pk=trial.pk))


def assert_unchanged(record):
    """Exported as imported: the whole document, and as text (key order, 48 not 48.0)."""
    study = exported(imported(record))
    assert differences(record, study) == []
    assert json.dumps(study, ensure_ascii=False) == json.dumps(record, ensure_ascii=False)


def test_an_empty_module_stays():
    assert_unchanged(changed(SEED, "oversightModule", {}))


def test_a_module_emptied_by_an_edit_goes_and_has_results_follows_the_trial():
    trial = imported(changed(SITES, "oversightModule", {"oversightHasDmc": False}))
    Trial.objects.filter(pk=trial.pk).update(has_dmc=None, has_results=True)
    study = exported(trial)
    assert "oversightModule" not in study["protocolSection"]
    assert study["hasResults"] is True
