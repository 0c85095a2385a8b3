"""Staff saves while another connection writes (an import): a save waits for the database and is kept; one the
database refuses is rolled back whole, and the 503 page says the change was not saved."""

import sqlite3
import threading
import time
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import OperationalError, connection, connections
from django.test import Client

from trials import related, workflow
from trials.choices import Publication
from trials.models import Sponsor, Trial

from .conftest import SEED_PATH, import_paths

RENAMED = {"name": "Renamed", "slug": "quokka", "agency_class": "OTHER"}
NOT_SAVED = "Your change was not saved."


def staff_client():
    client = Client(raise_request_exception=False)  # as in production: an error is a page, not an exception
    client.force_login(get_user_model().objects.create_superuser("root", password=None))
    return client


def rename(client, sponsor):
    return client.post(f"/admin/trials/sponsor/{sponsor.pk}/change/", RENAMED)


# SQLite: one writer at a time


@pytest.fixture
def sqlite_file(tmp_path, django_db_blocker):
    """The default database as a migrated SQLite file with the production options, for this test: the suite's
    in-memory database has no file lock for another connection to hold. Yields the file's path."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write lock")
    memory = connections["default"]
    path = tmp_path / "db.sqlite3"
    options = dict(memory.settings_dict["OPTIONS"])
    connections["default"] = type(memory)({**memory.settings_dict, "NAME": str(path), "OPTIONS": options}, "default")
    try:
        with django_db_blocker.unblock():
            call_command("migrate", verbosity=0)
            yield path
            connections["default"].close()
    finally:
        connections["default"] = memory


@contextmanager
def write_lock_held(path, seconds):
    """Another connection holds the write lock for `seconds`, as an import's transaction does."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(seconds, other.execute, ["COMMIT"])
    release.start()
    try:
        yield
    finally:
        release.join()
        other.close()


def lock_is_free(path):
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def test_a_staff_save_waits_for_an_import_holding_the_write_lock_and_is_kept(sqlite_file):
    client = staff_client()
    sponsor = Sponsor.objects.create(name="Quokka", slug="quokka")
    with write_lock_held(sqlite_file, seconds=6):  # longer than the 5 s SQLite waited by default
        response = rename(client, sponsor)
    assert response.status_code == 302
    assert Sponsor.objects.get(pk=sponsor.pk).name == "Renamed"


def test_a_staff_save_that_waits_in_vain_says_it_was_not_saved(sqlite_file):
    connection.close()
    connection.settings_dict["OPTIONS"]["timeout"] = 1  # the production wait, shortened for the test
    client = staff_client()
    sponsor = Sponsor.objects.create(name="Quokka", slug="quokka")
    with write_lock_held(sqlite_file, seconds=3):
        response = rename(client, sponsor)
    page = response.content.decode()
    assert response.status_code == 503 and NOT_SAVED in page and "Nothing was changed" not in page
    assert Sponsor.objects.get(pk=sponsor.pk).name == "Quokka"


def test_an_imports_related_lists_are_worked_out_without_holding_the_write_lock(sqlite_file, monkeypatch):
    rank, free = related.related_for, []

    def ranking(*args):
        free.append(lock_is_free(sqlite_file))
        return rank(*args)

    monkeypatch.setattr(related, "related_for", ranking)
    assert import_paths(SEED_PATH).failures == []
    assert free == [True]  # the import's end rebuilt the list while another writer could still write


# PostgreSQL: writers wait on each other's row and table locks, without a time limit


@pytest.mark.django_db
def test_a_staff_save_waits_for_a_transaction_holding_a_table_it_writes_and_is_kept(client, admin_user):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's locks")
    client.force_login(admin_user)
    sponsor = Sponsor.objects.create(name="Quokka", slug="quokka")
    other = connections.create_connection("default")
    other.ensure_connection()
    other.connection.execute("BEGIN")
    # A table the save writes (its admin log entry) that this test's own open transaction has not: no writer
    # gets past this lock until COMMIT, as none gets past the rows an import's batch holds.
    other.connection.execute("LOCK TABLE django_admin_log IN SHARE ROW EXCLUSIVE MODE")
    release = threading.Timer(2, other.connection.execute, ["COMMIT"])
    started = time.monotonic()
    release.start()
    try:
        response = rename(client, sponsor)
    finally:
        release.join()
        other.close()
    assert response.status_code == 302 and time.monotonic() - started >= 2
    assert Sponsor.objects.get(pk=sponsor.pk).name == "Renamed"


# Either database: a write the database refuses leaves nothing, and the page says so


def refuse(*args, **kwargs):
    raise OperationalError("database is locked")


@pytest.mark.django_db
def test_a_sponsor_save_the_database_refuses_is_not_saved_and_the_page_says_so(monkeypatch):
    client = staff_client()
    sponsor = Sponsor.objects.create(name="Quokka", slug="quokka")
    monkeypatch.setattr("trials.admin.shared.trials_changed", refuse)  # after the row itself was written
    response = rename(client, sponsor)
    assert response.status_code == 503 and NOT_SAVED in response.content.decode()
    assert Sponsor.objects.get(pk=sponsor.pk).name == "Quokka"


@pytest.mark.django_db
def test_a_publish_action_the_database_refuses_half_way_publishes_none(monkeypatch, seed_study, write_json):
    studies = [seed_study, {**seed_study, "protocolSection": {**seed_study["protocolSection"]}}]
    studies[1]["protocolSection"]["identificationModule"] = {
        **seed_study["protocolSection"]["identificationModule"],
        "nctId": "NCT90000001",
    }
    assert import_paths(*(write_json(f"{i}.json", study) for i, study in enumerate(studies))).failures == []
    drafts = list(Trial.objects.order_by("pk"))
    for trial in drafts:
        workflow.unpublish(trial, None)
    publish, published = workflow.publish, []

    def publish_then_refuse(trial, user):
        if published:
            refuse()
        published.append(publish(trial, user))

    monkeypatch.setattr(workflow, "publish", publish_then_refuse)
    response = staff_client().post(
        "/admin/trials/trial/", {"action": "publish", "_selected_action": [trial.pk for trial in drafts]}
    )
    assert response.status_code == 503 and NOT_SAVED in response.content.decode()
    assert set(Trial.objects.values_list("publication", flat=True)) == {Publication.DRAFT}
