"""import_ctgov: every input shape, upserts, and bad input that fails cleanly and loses nothing."""

import copy
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError

from trials.importer import Importer, Item
from trials.models import ArmGroup, EligibilityCriterion, Intervention, Location, Sponsor, Trial

from .conftest import SEED_PATH, import_paths, load_json, sample_paths

pytestmark = pytest.mark.django_db


def run_import(*paths):
    """Run the command; returns (exit status, stdout, stderr)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_ctgov", *map(str, paths), stdout=out, stderr=err)
        status = 0
    except CommandError as exc:
        status = exc.returncode
    return status, out.getvalue(), err.getvalue()


def snapshot():
    """Everything a failed import must leave as it was: each trial's full export, and row counts."""
    from trials.registry import study_json

    return (
        {t.nct_id: study_json(t) for t in Trial.objects.for_export()},
        [m.objects.count() for m in (Trial, Sponsor, ArmGroup, Intervention, EligibilityCriterion, Location)],
    )


def test_every_sample_record_imports_without_failures():
    status, out, err = run_import(SEED_PATH.parent)
    assert status == 0, err
    assert out.startswith(f"{len(sample_paths())} imported, 0 updated, 0 unchanged, 0 failed in ")
    assert "studies/s" in out
    assert Trial.objects.count() == len(sample_paths())


def test_importing_the_same_files_twice_changes_nothing():
    run_import(SEED_PATH.parent)
    before = snapshot()
    status, out, _ = run_import(SEED_PATH.parent)
    assert status == 0
    assert out.startswith(f"0 imported, 0 updated, {len(sample_paths())} unchanged, 0 failed")
    assert snapshot() == before


def test_a_changed_version_updates_in_place_and_removes_rows_that_disappeared(write_json):
    richest = max(sample_paths(), key=lambda p: len(p.read_bytes()))
    source = load_json(richest)
    import_paths(richest)
    trial = Trial.objects.get(nct_id=source["protocolSection"]["identificationModule"]["nctId"])
    assert trial.locations.count() > 1

    changed = copy.deepcopy(source)
    changed["protocolSection"]["identificationModule"]["briefTitle"] = "A new title"
    module = changed["protocolSection"]["contactsLocationsModule"]
    module["locations"] = module["locations"][:1]
    changed["protocolSection"]["armsInterventionsModule"]["armGroups"] = changed["protocolSection"][
        "armsInterventionsModule"
    ]["armGroups"][:1]
    kept_label = changed["protocolSection"]["armsInterventionsModule"]["armGroups"][0]["label"]
    for intervention in changed["protocolSection"]["armsInterventionsModule"]["interventions"]:
        labels = intervention.get("armGroupLabels", [])
        intervention["armGroupLabels"] = [label for label in labels if label == kept_label]
    status, out, _ = run_import(write_json("changed.json", changed))

    assert status == 0 and out.startswith("0 imported, 1 updated, 0 unchanged, 0 failed")
    assert Trial.objects.count() == 1
    trial = Trial.objects.get(pk=trial.pk)
    assert trial.brief_title == "A new title"
    assert trial.locations.count() == 1
    assert Location.objects.count() == 1
    assert list(ArmGroup.objects.values_list("label", flat=True)) == [kept_label]


def test_an_api_page_ndjson_and_zip_all_import(tmp_path, write_json):
    studies = [load_json(path) for path in sample_paths()]
    page = write_json("page.json", {"studies": studies[:3], "nextPageToken": "abc"})
    ndjson = tmp_path / "more.ndjson"
    ndjson.write_text("\n".join(json.dumps(s) for s in studies[3:5]) + "\n", encoding="utf-8")
    archive = tmp_path / "bulk.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for study in studies[5:]:
            nct_id = study["protocolSection"]["identificationModule"]["nctId"]
            zf.writestr(f"ctg-studies/{nct_id}.json", json.dumps(study))
    status, out, err = run_import(page, ndjson, archive)
    assert status == 0, err
    assert out.startswith(f"{len(studies)} imported, 0 updated, 0 unchanged, 0 failed")


def test_directories_are_read_recursively(tmp_path, write_json, seed_study):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "NCT07107204.json").write_text(json.dumps(seed_study), encoding="utf-8")
    (tmp_path / "a" / "notes.txt").write_text("not a study", encoding="utf-8")
    status, out, _ = run_import(tmp_path)
    assert status == 0 and out.startswith("1 imported")


def broken_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"protocolSection": {', encoding="utf-8")
    return path, "json: not valid JSON"


def truncated_file(tmp_path):
    path = tmp_path / "truncated.json"
    path.write_text(SEED_PATH.read_text(encoding="utf-8")[:2000], encoding="utf-8")
    return path, "json: not valid JSON"


def without_nct_id(tmp_path):
    study = load_json(SEED_PATH)
    del study["protocolSection"]["identificationModule"]["nctId"]
    path = tmp_path / "no-id.json"
    path.write_text(json.dumps(study), encoding="utf-8")
    return path, "identificationModule.nctId: missing"


def unknown_status(tmp_path):
    study = load_json(SEED_PATH)
    study["protocolSection"]["statusModule"]["overallStatus"] = "PAUSED_FOR_LUNCH"
    path = tmp_path / "status.json"
    path.write_text(json.dumps(study), encoding="utf-8")
    return path, "NCT07107204 statusModule.overallStatus: unknown value 'PAUSED_FOR_LUNCH'"


def min_age_above_max_age(tmp_path):
    study = load_json(SEED_PATH)
    study["protocolSection"]["eligibilityModule"].update(minimumAge="75 Years", maximumAge="70 Years")
    path = tmp_path / "ages.json"
    path.write_text(json.dumps(study), encoding="utf-8")
    return path, "NCT07107204 eligibilityModule.maximumAge: The maximum age (70 Years) is below the minimum age"


def empty_zip(tmp_path):
    path = tmp_path / "empty.zip"
    zipfile.ZipFile(path, "w").close()
    return path, "zip: holds no .json, .ndjson or .jsonl files"


def missing_path(tmp_path):
    return tmp_path / "nowhere.json", "path: does not exist"


def not_a_zip(tmp_path):
    path = tmp_path / "fake.zip"
    path.write_bytes(b"PK not really")
    return path, "zip: cannot be read"


@pytest.mark.parametrize(
    "make_input",
    [
        broken_json,
        truncated_file,
        without_nct_id,
        unknown_status,
        min_age_above_max_age,
        empty_zip,
        missing_path,
        not_a_zip,
    ],
)
def test_bad_input_fails_with_a_clear_message_and_leaves_the_database_as_it_was(tmp_path, make_input):
    assert run_import(SEED_PATH.parent)[0] == 0
    before = snapshot()
    path, message = make_input(tmp_path)

    status, out, err = run_import(path)

    assert status == 1
    assert f"{path}: " in err and message in err
    assert ", 1 failed in " in out
    assert snapshot() == before


def test_one_bad_study_is_skipped_while_the_others_import(tmp_path, seed_study):
    bad = copy.deepcopy(seed_study)
    bad["protocolSection"]["identificationModule"]["nctId"] = "NCT00000001"
    bad["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = -1
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"studies": [bad, seed_study]}), encoding="utf-8")
    status, out, err = run_import(page)
    assert status == 1
    assert "NCT00000001 designModule.enrollmentInfo.count: expected a whole number from 0 to 2147483647" in err
    assert out.startswith("1 imported, 0 updated, 0 unchanged, 1 failed")
    assert list(Trial.objects.values_list("nct_id", flat=True)) == ["NCT07107204"]


def test_a_failed_update_keeps_the_stored_version_whole(tmp_path, seed_study):
    import_paths(SEED_PATH)
    before = snapshot()
    seed_study["protocolSection"]["identificationModule"]["briefTitle"] = "Changed"
    seed_study["protocolSection"]["armsInterventionsModule"]["armGroups"].append(
        copy.deepcopy(seed_study["protocolSection"]["armsInterventionsModule"]["armGroups"][0])
    )  # two groups with one label: rejected before anything is written
    path = tmp_path / "dup.json"
    path.write_text(json.dumps(seed_study), encoding="utf-8")
    status, _, err = run_import(path)
    assert status == 1 and "Two study groups are labelled" in err
    assert snapshot() == before


@pytest.mark.parametrize("error", [IntegrityError, OverflowError])  # a database's refusal, or a driver's
def test_an_error_mid_study_fails_only_that_study_and_rolls_it_back(monkeypatch, seed_study, error):
    """If writing fails half-way (here: the criteria insert), whatever the error, that study's earlier writes
    are undone and the other studies of its batch are still imported."""
    import_paths(SEED_PATH)
    before = snapshot()
    original = EligibilityCriterion.objects.bulk_create

    def bulk_create(objs, *args, **kwargs):
        objs = list(objs)
        if any("FAIL-ME" in criterion.text for criterion in objs):
            raise error("simulated failure")
        return original(objs, *args, **kwargs)

    monkeypatch.setattr(EligibilityCriterion.objects, "bulk_create", bulk_create)
    seed_study["protocolSection"]["identificationModule"]["briefTitle"] = "Half-written"
    seed_study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] += "\n18. FAIL-ME"
    other = load_json(sample_paths()[0])

    importer = Importer()
    importer.add(Item("seed.json", seed_study))
    importer.add(Item("other.json", other))
    importer.finish()

    assert importer.result.failures == ["seed.json: NCT07107204 database: simulated failure"]
    assert importer.result.imported == 1
    assert Trial.objects.get(nct_id="NCT07107204").brief_title != "Half-written"
    assert snapshot()[0]["NCT07107204"] == before[0]["NCT07107204"]


def test_an_unforeseen_error_reading_one_study_fails_that_study_alone(monkeypatch, seed_study):
    from trials import importer as module

    original = module.parse_study

    def parse_study(study):
        if study is seed_study:
            raise KeyError("something no check foresaw")
        return original(study)

    monkeypatch.setattr(module, "parse_study", parse_study)
    importer = Importer()
    importer.add(Item("seed.json", seed_study))
    importer.add(Item("other.json", load_json(sample_paths()[0])))
    result = importer.finish()
    assert result.failures == ["seed.json: NCT07107204 study: cannot be read (KeyError: 'something no check foresaw')"]
    assert (result.imported, Trial.objects.count()) == (1, 1)


def test_a_file_that_is_not_utf8_is_reported(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"title": "café"}'.encode("latin-1"))
    status, _, err = run_import(path)
    assert status == 1 and f"{path}: - file: not UTF-8 text" in err


def test_a_bad_ndjson_line_is_reported_with_its_line_number(tmp_path, seed_study):
    path = tmp_path / "studies.ndjson"
    path.write_text(json.dumps(seed_study) + "\n{not json\n", encoding="utf-8")
    status, out, err = run_import(path)
    assert status == 1
    assert f"{path}:2: - json: not valid JSON" in err
    assert out.startswith("1 imported, 0 updated, 0 unchanged, 1 failed")
