"""Import then export gives back the registry's whole record, also where the models cannot tell two forms apart;
whatever staff change in the models still wins. Each record is a bundled one, changed as little as possible."""

import copy
import json

import pytest
from django.db import connection

from trials.importer import Importer, Item
from trials.models import Condition, InterventionArm, Trial
from trials.registry import study_json

from .conftest import SAMPLE_DIR, differences, load_json
from .factories import DELETE, change

pytestmark = pytest.mark.django_db

SEED = "NCT07107204"
TWO_ROLES = "NCT02299791"  # one intervention ("Other: ALL") registered twice, once for each of its two groups
SITES = "NCT06171568"  # collaborators, keywords, references, a site with contacts and its point
ARMS = "armsInterventionsModule"
SITE = "contactsLocationsModule.locations[0]"


def bundled(nct_id):
    return copy.deepcopy(load_json(SAMPLE_DIR / f"{nct_id}.json"))


def changed(nct_id, path, value):
    """The bundled record with protocolSection[path] changed (factories.change)."""
    return change(bundled(nct_id), path, value)


def imported(record):
    importer = Importer()
    importer.add(Item("test.json", record))
    assert importer.finish().failures == []
    return Trial.objects.get(nct_id=record["protocolSection"]["identificationModule"]["nctId"])


def exported(trial):
    return study_json(Trial.objects.for_export().get(pk=trial.pk))


def assert_unchanged(record):
    """Exported as imported: the whole document, and as text (48 not 48.0; key order too where the database keeps
    it: PostgreSQL's jsonb orders a record's keys its own way)."""
    study = exported(imported(record))
    assert differences(record, study) == []
    unordered = connection.vendor != "sqlite"
    assert json.dumps(study, ensure_ascii=False, sort_keys=unordered) == json.dumps(
        record, ensure_ascii=False, sort_keys=unordered
    )


def test_a_key_we_do_not_model_in_an_intervention_survives():
    assert_unchanged(changed(SEED, f"{ARMS}.interventions[0].interventionMappedName", ["BT-02"]))


def test_a_group_given_two_interventions_of_the_same_name_keeps_the_registrys_names():
    record = changed(
        TWO_ROLES, f"{ARMS}.interventions[1].armGroupLabels", lambda labels: ["Early Intervention", *labels]
    )
    assert record["protocolSection"][ARMS]["armGroups"][0]["interventionNames"] == ["Other: ALL"]
    assert_unchanged(record)


def test_an_empty_module_stays():
    assert_unchanged(changed(SEED, "oversightModule", {}))


def repeat_first(items):
    return [*items, items[0]]


@pytest.mark.parametrize(
    ("nct_id", "path", "value"),
    [
        pytest.param(SEED, "identificationModule.acronym", "", id="empty text"),
        pytest.param(SEED, "identificationModule.acronym", None, id="null text"),
        pytest.param(SITES, "oversightModule.oversightHasDmc", None, id="null yes/no"),
        pytest.param(SEED, "identificationModule.nctIdAliases", [], id="empty list of values"),
        pytest.param(SEED, "conditionsModule.keywords", [], id="empty list of rows"),
        pytest.param(SEED, "designModule.designInfo.maskingInfo", {}, id="empty object in a module"),
        pytest.param(TWO_ROLES, "contactsLocationsModule", {"locations": []}, id="module with an empty list only"),
        pytest.param(SEED, "identificationModule.organization.class", DELETE, id="organisation without its class"),
        pytest.param(SEED, "sponsorCollaboratorsModule.leadSponsor.class", DELETE, id="sponsor without its class"),
        pytest.param(SEED, "conditionsModule.conditions", repeat_first, id="repeated condition"),
        pytest.param(SITES, "conditionsModule.keywords", repeat_first, id="repeated keyword"),
        pytest.param(SITES, "sponsorCollaboratorsModule.collaborators", repeat_first, id="repeated collaborator"),
        pytest.param(SEED, f"{ARMS}.interventions[0].armGroupLabels", repeat_first, id="repeated group label"),
        pytest.param(SEED, f"{ARMS}.interventions[0].otherNames", ["BT-02", "BT-02"], id="repeated other name"),
        pytest.param(SEED, f"{ARMS}.interventions[0].otherNames", [], id="empty other names"),
        pytest.param(SEED, f"{ARMS}.armGroups[0].description", "", id="empty description"),
        pytest.param(SEED, f"{ARMS}.armGroups[0].interventionNames", DELETE, id="group without interventionNames"),
        pytest.param(TWO_ROLES, f"{ARMS}.armGroups[1].interventionNames", ["Behavioral: ALL"], id="names unlike links"),
        pytest.param(SITES, "referencesModule.references[0].retractions", [{"pmid": "1"}], id="unknown key, reference"),
        pytest.param(SITES, f"{SITE}.countryCode", "FR", id="unknown key, site"),
        pytest.param(SITES, f"{SITE}.contacts", [], id="site with an empty contacts list"),
        pytest.param(SITES, f"{SITE}.geoPoint", {"lat": 48, "lon": 2}, id="whole-number point"),
        pytest.param(SITES, SITE, lambda site: dict(sorted(site.items())), id="keys in another order"),
    ],
)
def test_forms_the_models_cannot_tell_apart_come_back_as_the_registry_wrote_them(nct_id, path, value):
    assert_unchanged(changed(nct_id, path, value))


def test_a_record_without_has_results_comes_back_without():
    record = bundled(SEED)
    del record["hasResults"]
    assert_unchanged(record)


def test_an_edited_row_is_written_from_the_models_and_the_rows_beside_it_stay_as_registered():
    record = changed(TWO_ROLES, f"{ARMS}.interventions[1].interventionMappedName", ["ALL"])
    trial = imported(record)
    first = trial.interventions.get(position=0)
    first.description = "Decision support tools."
    first.save()
    interventions = exported(trial)["protocolSection"][ARMS]["interventions"]
    assert interventions[0] == {
        "type": "OTHER",
        "name": "ALL",
        "description": "Decision support tools.",
        "armGroupLabels": ["Early Intervention"],
    }
    assert interventions[1] == record["protocolSection"][ARMS]["interventions"][1]


def test_a_groups_names_follow_its_links_when_staff_change_them():
    trial = imported(changed(TWO_ROLES, f"{ARMS}.armGroups[1].interventionNames", ["Behavioral: ALL"]))
    first = trial.interventions.get(position=0)
    first.arm_links.all().delete()  # given in the late group instead of the early one
    InterventionArm.objects.create(intervention=first, arm_group=trial.arm_groups.get(position=1), position=0)
    early, late = exported(trial)["protocolSection"][ARMS]["armGroups"]
    assert "interventionNames" not in early
    assert late["interventionNames"] == ["Other: ALL"]


def test_a_group_edited_but_given_the_same_interventions_keeps_the_registrys_names():
    trial = imported(changed(TWO_ROLES, f"{ARMS}.armGroups[1].interventionNames", ["Behavioral: ALL"]))
    trial.arm_groups.filter(position=1).update(description="Five clinics, a year later.")
    late = exported(trial)["protocolSection"][ARMS]["armGroups"][1]
    assert (late["description"], late["interventionNames"]) == ("Five clinics, a year later.", ["Behavioral: ALL"])


def test_renamed_and_removed_rows_win_over_the_registrys_repeats():
    trial = imported(changed(SEED, "conditionsModule.conditions", repeat_first))
    Condition.objects.filter(name="Relapsed or Refractory Hematologic Malignancies").update(name="R/R malignancies")
    trial.trial_conditions.filter(condition__name="Lymphoma").delete()
    conditions = exported(trial)["protocolSection"]["conditionsModule"]["conditions"]
    assert conditions == ["R/R malignancies", "Leukemia", "Multiple Myeloma (MM)"]


def test_a_module_emptied_by_an_edit_goes_and_has_results_follows_the_trial():
    trial = imported(changed(SITES, "oversightModule", {"oversightHasDmc": False}))
    Trial.objects.filter(pk=trial.pk).update(has_dmc=None, has_results=True)
    study = exported(trial)
    assert "oversightModule" not in study["protocolSection"]
    assert study["hasResults"] is True
