"""export_ctgov writes what import_ctgov reads, unchanged."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from .conftest import SAMPLE_DIR, differences, import_paths, load_json, sample_paths

pytestmark = pytest.mark.django_db


def test_export_to_a_directory_gives_back_every_bundled_record_unchanged(tmp_path):
    """The whole document, not only the fields we model; and on SQLite as text, key order included (the bundled
    records are written as the command writes them: json.dumps(indent=2, ensure_ascii=False)). PostgreSQL's jsonb
    keeps a record's keys in an order of its own, so there the documents are equal as JSON only."""
    assert import_paths(SAMPLE_DIR).failures == []
    call_command("export_ctgov", str(tmp_path / "out"), stdout=StringIO())
    written = sorted((tmp_path / "out").glob("*.json"))
    assert [p.name for p in written] == [p.name for p in sample_paths()]
    changed = {path.stem: differences(load_json(SAMPLE_DIR / path.name), load_json(path)) for path in written}
    assert {nct_id: found for nct_id, found in changed.items() if found} == {}
    if connection.vendor == "sqlite":
        reordered = [
            p.stem
            for p in written
            if p.read_text("utf-8").rstrip() != (SAMPLE_DIR / p.name).read_text("utf-8").rstrip()
        ]
        assert reordered == []


def test_export_to_ndjson_reimports_as_unchanged(tmp_path):
    import_paths(SAMPLE_DIR)
    out = tmp_path / "all.ndjson"
    call_command("export_ctgov", str(out), stdout=StringIO())
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(sample_paths())
    assert all(json.loads(line)["protocolSection"]["identificationModule"]["nctId"] for line in lines)
    result = import_paths(out)
    assert (result.imported, result.updated, result.unchanged, result.failed) == (0, 0, len(lines), 0)
