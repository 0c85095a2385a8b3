"""export_ctgov writes what import_ctgov reads, unchanged."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from .conftest import SAMPLE_DIR, import_paths, load_json, sample_paths

pytestmark = pytest.mark.django_db


def test_export_to_a_directory_writes_one_file_per_trial_equal_to_its_source(tmp_path):
    import_paths(SAMPLE_DIR)
    call_command("export_ctgov", str(tmp_path / "out"), stdout=StringIO())
    written = sorted((tmp_path / "out").glob("*.json"))
    assert [p.name for p in written] == [p.name for p in sample_paths()]
    for path in written:
        assert load_json(path) == load_json(SAMPLE_DIR / path.name)


def test_export_to_ndjson_reimports_as_unchanged(tmp_path):
    import_paths(SAMPLE_DIR)
    out = tmp_path / "all.ndjson"
    call_command("export_ctgov", str(out), stdout=StringIO())
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(sample_paths())
    assert all(json.loads(line)["protocolSection"]["identificationModule"]["nctId"] for line in lines)
    result = import_paths(out)
    assert (result.imported, result.updated, result.unchanged, result.failed) == (0, 0, len(lines), 0)
