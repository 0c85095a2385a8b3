import copy
import json
from pathlib import Path

import pytest

from trials.importer import Importer, read_studies

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "data" / "sample"
SEED_PATH = SAMPLE_DIR / "NCT07107204.json"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def sample_paths():
    return sorted(SAMPLE_DIR.glob("NCT*.json"))


def load_json(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def import_paths(*paths):
    """Import files or folders as the import_ctgov command does; returns the ImportResult."""
    importer = Importer()
    for path in paths:
        for item in read_studies(path):
            importer.add(item)
    importer.finish()
    return importer.result


class _Missing:
    def __repr__(self):
        return "<missing>"


MISSING = _Missing()


def differences(expected, actual, path=""):
    """Where two JSON documents differ, as ["path: expected -> actual", ...] (key order aside)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        keys = dict.fromkeys([*expected, *actual])
        return [d for k in keys for d in differences(expected.get(k, MISSING), actual.get(k, MISSING), f"{path}.{k}")]
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [
            d for i, pair in enumerate(zip(expected, actual, strict=True)) for d in differences(*pair, f"{path}[{i}]")
        ]
    if expected == actual:
        return []
    return [f"{path or '.'}: {repr(expected)[:100]} -> {repr(actual)[:100]}"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a rolled-back test leaves the index version as it found it,
    so figures it cached would otherwise be found by the next test under the same key."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def all_samples(db):
    """Every bundled sample record, imported for this test."""
    assert import_paths(SAMPLE_DIR).failures == []


@pytest.fixture
def seed_study():
    """The seed record as a fresh dict, safe to change in a test."""
    return copy.deepcopy(load_json(SEED_PATH))


@pytest.fixture
def seed_trial(db):
    from trials.models import Trial

    result = import_paths(SEED_PATH)
    assert result.failures == []
    return Trial.objects.for_export().get(nct_id="NCT07107204")


@pytest.fixture
def write_json(tmp_path):
    """Write data as JSON to tmp_path/name and return the path."""

    def write(name, data):
        path = tmp_path / name
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    return write
