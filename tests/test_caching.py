"""Caching: conditional GET on record pages and their JSON, cached index figures and their invalidation."""

import os
import shutil
import socket
import subprocess
import sys
import time

import pytest
import redis
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from portal.settings import cache_from_url
from trials import workflow
from trials.changes import trials_changed
from trials.models import Trial
from trials.record_cache import last_change_key
from trials.views import conditional

from .conftest import ROOT, SAMPLE_DIR, import_paths

NCT_ID = "NCT07107204"
RECORD_URLS = [
    f"/trials/{NCT_ID}/",
    f"/trials/{NCT_ID}/design/",
    f"/trials/{NCT_ID}/groups/",
    f"/trials/{NCT_ID}/eligibility/",
    f"/trials/{NCT_ID}/contacts/",
    f"/trials/{NCT_ID}/history/",
    f"/trials/{NCT_ID}/full/",
    f"/trials/{NCT_ID}.json",
]


# Conditional GET


@pytest.mark.parametrize("url", RECORD_URLS)
def test_a_record_page_revalidated_with_its_etag_is_not_modified(client, seed_trial, url, django_assert_num_queries):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"  # kept, but checked again each time
    etag = response["ETag"]
    with django_assert_num_queries(0):  # the trial's last change is in the cache for a few seconds
        again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_a_revalidation_after_the_last_change_expired_costs_one_small_query(
    client, seed_trial, django_assert_num_queries
):
    url = f"/trials/{NCT_ID}/contacts/"
    etag = client.get(url)["ETag"]
    cache.delete(last_change_key(NCT_ID))  # a few seconds later
    with django_assert_num_queries(1) as captured:  # the trial's last change, not the page's seven
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert '"pages_changed_at"' in captured.captured_queries[0]["sql"]


@pytest.mark.parametrize("value", ["*", "garbage", '"', 'W/"x", "y"', '"' + "9" * 5000 + '"', "\u00e9t\u00e9", ""])
def test_odd_if_none_match_values_get_the_page_or_304_never_an_error(client, seed_trial, value):
    cache.delete(last_change_key(NCT_ID))  # the revalidation path that reads the last change itself
    response = client.get(f"/trials/{NCT_ID}/", headers={"If-None-Match": value})
    assert response.status_code == (304 if value == "*" else 200)
    missing = client.get("/trials/NCT09999999/", headers={"If-None-Match": value})
    assert missing.status_code == 404  # no such trial: the page says so, whatever the header


@pytest.mark.parametrize("url", RECORD_URLS)
def test_the_next_visitor_gets_the_cached_page_for_one_query(client, seed_trial, url, django_assert_num_queries):
    first = client.get(url)
    with django_assert_num_queries(0):
        again = type(client)().get(url)  # another visitor, no If-None-Match
    assert again.status_code == 200 and again.content == first.content
    assert again["Content-Type"] == first["Content-Type"] and again["ETag"] == first["ETag"]


def test_a_changed_trial_is_served_anew_once_its_last_change_is_read_again(client, seed_trial):
    """A change made behind the portal's back shows within LAST_CHANGE_SECONDS; its index update forgets at once."""
    client.get(f"/trials/{NCT_ID}/")
    Trial.objects.filter(pk=seed_trial.pk).update(brief_title="Retitled", pages_changed_at=timezone.now())
    assert "Retitled" not in client.get(f"/trials/{NCT_ID}/").content.decode()  # within the few seconds
    cache.delete(last_change_key(NCT_ID))  # the seconds have passed
    assert "Retitled" in client.get(f"/trials/{NCT_ID}/").content.decode()
    Trial.objects.filter(pk=seed_trial.pk).update(brief_title="Retitled again", pages_changed_at=timezone.now())
    trials_changed([seed_trial.pk])  # as every import, publication or edit does
    assert "Retitled again" in client.get(f"/trials/{NCT_ID}/").content.decode()


def test_the_last_change_is_read_again_after_a_few_seconds(client, seed_trial, monkeypatch):
    monkeypatch.setattr(conditional, "LAST_CHANGE_SECONDS", 1)
    client.get(f"/trials/{NCT_ID}/")
    Trial.objects.filter(pk=seed_trial.pk).update(brief_title="Retitled", pages_changed_at=timezone.now())
    time.sleep(1.1)
    assert "Retitled" in client.get(f"/trials/{NCT_ID}/").content.decode()


def test_pages_with_answers_are_revalidated_but_not_cached(client, seed_trial, django_assert_num_queries):
    url = f"/trials/{NCT_ID}/eligibility/?age=40"
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(
        2
    ):  # the page's own two: the trial with its lists, the criteria (its last change is cached)
        assert client.get(url).status_code == 200
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_the_etag_changes_when_the_trial_changes(client, seed_trial, seed_study, write_json):
    etag = client.get(f"/trials/{NCT_ID}/")["ETag"]
    assert client.get(f"/trials/{NCT_ID}/")["ETag"] == etag
    seed_study["protocolSection"]["identificationModule"]["briefTitle"] = "A new title"
    import_paths(write_json("changed.json", seed_study))  # re-imported with a change
    response = client.get(f"/trials/{NCT_ID}/", headers={"If-None-Match": etag})
    assert response.status_code == 200 and "A new title" in response.content.decode()
    assert response["ETag"] != etag


def test_the_etag_changes_when_staff_edit_a_site_or_rename_the_sponsor(client, seed_trial):
    etag = client.get(f"/trials/{NCT_ID}/contacts/")["ETag"]
    trials_changed([seed_trial.pk], None, "Site edited")  # what every admin save of a trial's rows calls
    cache.delete(last_change_key(NCT_ID))  # a few seconds later
    second = client.get(f"/trials/{NCT_ID}/contacts/", headers={"If-None-Match": etag})
    assert second.status_code == 200

    staff = get_user_model().objects.create_superuser("editor", password=None)
    admin = type(client)()
    admin.force_login(staff)
    sponsor = seed_trial.lead_sponsor
    response = admin.post(
        f"/admin/trials/sponsor/{sponsor.pk}/change/",
        {"name": "Renamed Sponsor Ltd", "slug": sponsor.slug, "agency_class": sponsor.agency_class},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    third = client.get(f"/trials/{NCT_ID}/", headers={"If-None-Match": second["ETag"]})
    assert third.status_code == 200 and "Renamed Sponsor Ltd" in third.content.decode()
    assert client.get("/trials/", {"q": "Renamed"}).context["results"].total == 1  # searched under its new name


def test_each_language_has_its_own_etag(client, seed_trial):
    english = client.get(f"/trials/{NCT_ID}/")["ETag"]
    chinese = client.get(f"/trials/{NCT_ID}/", headers={"Accept-Language": "zh-hans", "If-None-Match": english})
    assert chinese.status_code == 200 and chinese["Content-Language"] == "zh-hans"
    assert chinese["ETag"] != english


def test_an_unpublished_trial_is_gone_even_for_a_cached_copy(client, seed_trial):
    etag = client.get(f"/trials/{NCT_ID}/")["ETag"]
    workflow.unpublish(seed_trial, None)
    assert client.get(f"/trials/{NCT_ID}/", headers={"If-None-Match": etag}).status_code == 404


def test_signed_in_staff_get_no_etag(client, seed_trial):
    """Staff see drafts and previews under the same addresses: their pages are never revalidated."""
    client.force_login(get_user_model().objects.create_superuser("editor", password=None))
    assert not client.get(f"/trials/{NCT_ID}/").has_header("ETag")


# Cached figures


def test_the_home_page_reads_its_figures_from_the_cache_until_the_index_changes(
    client, all_samples, django_assert_max_num_queries
):
    first = client.get("/").content.decode()
    with django_assert_max_num_queries(3):  # the index version, the recent trials and their conditions
        assert client.get("/").content.decode() == first
    count = Trial.objects.published().count()
    assert f"{count}</strong>" in first or str(count) in first
    workflow.unpublish(Trial.objects.get(nct_id=NCT_ID), None)
    assert str(count - 1) in client.get("/").content.decode()


def test_facet_counts_are_recounted_after_a_publication(client, all_samples):
    search = {"status": "NOT_YET_RECRUITING"}
    before = client.get("/trials/", search).context["results"].total
    trial = Trial.objects.get(nct_id=NCT_ID)
    assert trial.overall_status == search["status"]
    workflow.unpublish(trial, None)
    assert client.get("/trials/", search).context["results"].total == before - 1


def test_an_import_in_another_process_is_seen_at_once(client, transactional_db, tmp_path):
    """The importer runs as its own process; the version number in the database, not a deleted key, tells."""
    import_paths(SAMPLE_DIR / "NCT00000410.json")
    assert client.get("/trials/").context["results"].total == 1
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("the test database is in memory on SQLite; another process cannot reach it")
    environment["DATABASE_URL"] = database_url(connection)
    subprocess.run(
        [sys.executable, "manage.py", "import_ctgov", str(SAMPLE_DIR / f"{NCT_ID}.json")],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
    )
    assert client.get("/trials/").context["results"].total == 2


def database_url(connection):
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


@pytest.fixture
def redis_url(tmp_path):
    """A throwaway Redis on a free loopback port (Debian's redis-server, installed by make test)."""
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is missing: make test installs it with apt-get")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield url
    server.terminate()
    server.wait()


def test_with_cache_url_set_the_figures_live_in_redis(client, all_samples, redis_url):
    with override_settings(CACHES={"default": cache_from_url(redis_url)}):
        count = client.get("/trials/").context["results"].total
        keys = redis.Redis.from_url(redis_url).keys("*")
        assert any(b"facets:" in key for key in keys)
        workflow.unpublish(Trial.objects.get(nct_id=NCT_ID), None)
        assert client.get("/trials/").context["results"].total == count - 1
