import copy
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

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


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's language: a request the test client makes in Chinese leaves its thread
    in Chinese (LocaleMiddleware activates a language and nothing resets it), which tests that check a form's
    message without a request would otherwise read."""
    from django.utils import translation

    yield
    translation.deactivate()


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
def login(client, django_user_model):
    """Log in a staff member with a role (a group name), as a superuser ("superuser") or with none (None)."""

    def log_in(role):
        if role == "superuser":
            user = django_user_model.objects.filter(
                username="root"
            ).first() or django_user_model.objects.create_superuser("root", password=None)
        else:
            user, _ = django_user_model.objects.get_or_create(username=f"staff-{role}", is_staff=True)
            if role:
                user.groups.add(Group.objects.get(name=role))
        client.force_login(user)
        return user

    return log_in


@pytest.fixture
def write_json(tmp_path):
    """Write data as JSON to tmp_path/name and return the path."""

    def write(name, data):
        path = tmp_path / name
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    return write


# The search's tests: the samples imported once per module, and a GET of /trials/ on them


def import_samples():
    """Every sample record, committed: imported the first time in this test process (~2.5 s on SQLite, ~5 s on
    PostgreSQL), then its tables' rows kept and copied back each later time (~0.3 s). Modules and browser tests
    each asked for a fresh import: about 60 a run on each database."""
    if _imported:
        copy_back(_imported)
    else:
        assert import_paths(SAMPLE_DIR).failures == []
        _imported.update(copy_tables())


_imported = {}  # the tables' rows right after this process first imported the samples


def _tables():
    """The trials app's tables, and on SQLite its search text (an FTS5 table no model manages)."""
    from django.apps import apps
    from django.db import connection

    models = apps.get_app_config("trials").get_models(include_auto_created=True)
    tables = [model._meta.db_table for model in models if model._meta.managed]
    return tables + (["trials_search_fts"] if connection.vendor == "sqlite" else [])


def copy_tables():
    """{table: its rows}: PostgreSQL's COPY text, or SQLite's columns and rows (the FTS5 table's with their rowid)."""
    from django.db import connection

    copied = {}
    with connection.cursor() as cursor:
        for table in _tables():
            if connection.vendor == "postgresql":
                with cursor.connection.cursor().copy(f'COPY "{table}" TO STDOUT') as copy:
                    copied[table] = b"".join(bytes(block) for block in copy)
            else:
                cursor.execute(
                    f'SELECT rowid, * FROM "{table}"' if table.endswith("_fts") else f'SELECT * FROM "{table}"'
                )
                copied[table] = ([column[0] for column in cursor.description], cursor.fetchall())
    return copied


def copy_back(copied):
    """Each table emptied and given the rows copy_tables() read, in one transaction (foreign keys are checked at its
    end, as Django's are deferred)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for table, rows in copied.items():
            cursor.execute(f'DELETE FROM "{table}"')
            if connection.vendor == "postgresql":
                with cursor.connection.cursor().copy(f'COPY "{table}" FROM STDIN') as copy:
                    copy.write(rows)
            elif rows[1]:
                columns, values = rows
                names, marks = ", ".join(f'"{name}"' for name in columns), ", ".join(["%s"] * len(columns))
                cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', values)


@pytest.fixture(scope="module")
def samples(django_db_setup, django_db_blocker):
    """Every sample record, committed once for the module's tests (each test rolls back its own changes on top)
    and removed after the module."""
    from django.core.cache import cache
    from django.db import connection

    from trials.models import Condition, Investigator, Sponsor, Trial
    from trials.search.backends import backend

    with django_db_blocker.unblock():
        import_samples()
        if connection.vendor == "postgresql":
            # Fresh statistics: autovacuum may have analysed these tables while a test's rolled-back rows had left
            # them empty, and a plan made for empty tables ran a near search's facet query for minutes.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    yield
    with django_db_blocker.unblock():
        Trial.objects.all().delete()
        for model in (Sponsor, Condition, Investigator):
            model.objects.all().delete()
        backend().clear()
        cache.clear()


@pytest.fixture
def search(client, samples, db):
    """GET /trials/ with these parameters; returns the response."""

    def get(params, path="/trials/"):
        response = client.get(path, params)
        assert response.status_code == 200, response.status_code
        return response

    return get


@pytest.fixture
def quokka_trials(seed_study, write_json, samples, db):
    """Three trials made for text tests, with words no sample record has."""
    from .factories import quokka_study

    studies = [
        quokka_study(seed_study, "NCT90000001", "Wombat syndrome in adults"),
        quokka_study(
            seed_study,
            "NCT90000002",
            "A study of sleep",
            summary="Sleep in people with a syndrome first seen in a wombat and quoll colony.",
            criteria="Exclusion Criteria:\n\n* Wombat bites in the last year\n* Numbat allergy",
        ),
        quokka_study(seed_study, "NCT90000003", "Numbat bites", summary="How numbat bites heal."),
    ]
    names = [f"{s['protocolSection']['identificationModule']['nctId']}.json" for s in studies]
    assert import_paths(*(write_json(name, study) for name, study in zip(names, studies, strict=True))).failures == []


@pytest.fixture
def hostile(seed_study, write_json):
    """Hostile text (tests/hostile.py): the seed imported clean, then again with payloads everywhere (so its
    history shows them), and a sibling."""
    from .hostile import SIBLING, enrich, poison

    clean = enrich(seed_study)
    assert import_paths(write_json("clean.json", clean)).failures == []
    study = poison(clean)
    sibling = json.loads(json.dumps(study))
    sibling["protocolSection"]["identificationModule"]["nctId"] = SIBLING
    sibling["protocolSection"]["identificationModule"]["orgStudyIdInfo"]["id"] = "BT02-202"
    result = import_paths(write_json("hostile.json", study), write_json("sibling.json", sibling))
    assert result.failures == []
    return study
