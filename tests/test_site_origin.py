"""Absolute links come from SITE_ORIGIN, never the request: a client's Host and X-Forwarded-Proto headers cannot
put their origin into a cached page (canonical link, JSON-LD) that later visitors get, nor into feeds, the sitemap
or CSV exports."""

import pytest
from django.test import Client, override_settings

from .conftest import SAMPLE_DIR, import_paths
from .test_settings import load_settings

pytestmark = pytest.mark.django_db

NCT_ID = "NCT07107204"
ORIGIN = "https://trials.example.org"
ATTACKER = {"HTTP_HOST": "127.0.0.1:6666", "HTTP_X_FORWARDED_PROTO": "https"}


@pytest.fixture
def samples(db):
    assert import_paths(SAMPLE_DIR).failures == []


@pytest.fixture
def origin(settings):
    settings.SITE_ORIGIN = ORIGIN
    settings.ALLOWED_HOSTS = ["trials.example.org", "127.0.0.1"]


@pytest.mark.parametrize("path", [f"/trials/{NCT_ID}/", f"/trials/{NCT_ID}/eligibility/", f"/trials/{NCT_ID}/full/"])
def test_a_forged_host_does_not_reach_the_page_cached_for_later_visitors(samples, origin, path):
    poisoned = Client().get(path, **ATTACKER).content.decode()
    later = Client().get(path, HTTP_HOST="trials.example.org").content.decode()
    for page in (poisoned, later):
        assert "6666" not in page
        assert f'<link rel="canonical" href="{ORIGIN}{path}">' in page
    assert f'"url": "{ORIGIN}/trials/{NCT_ID}/"' in later  # the JSON-LD


def test_the_checklist_names_the_portals_own_address(samples, origin):
    page = Client().get(f"/trials/{NCT_ID}/eligibility/checklist/", **ATTACKER).content.decode()
    assert f"{ORIGIN}/trials/{NCT_ID}/" in page and "6666" not in page


@override_settings(SECURE_SSL_REDIRECT=False)
def test_feeds_sitemap_and_exports_use_the_portals_own_address(samples, origin):
    client = Client()
    for url in ("/trials/feed/", "/sitemap.xml", "/trials/export.csv"):
        response = client.get(url, **ATTACKER)
        body = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
        assert f"{ORIGIN}/trials/{NCT_ID}/" in body, url
        assert "6666" not in body, url


def test_the_origin_defaults_to_https_and_the_first_allowed_host():
    show = "s.SITE_ORIGIN"
    assert load_settings(show, SECRET_KEY="x" * 50, ALLOWED_HOSTS="trials.example.org,www.example.org").stdout == (
        "https://trials.example.org\n"
    )
    configured = load_settings(show, SECRET_KEY="x" * 50, ALLOWED_HOSTS="*", SITE_ORIGIN="https://a.org:8443/")
    assert configured.stdout == "https://a.org:8443\n"


@pytest.mark.parametrize("value", ["trials.example.org", "ftp://a.org", "https://a.org/portal", "https://"])
def test_a_malformed_origin_fails_loudly(value):
    result = load_settings("s.SITE_ORIGIN", SECRET_KEY="x" * 50, ALLOWED_HOSTS="a.org", SITE_ORIGIN=value)
    assert result.returncode != 0
    assert "SITE_ORIGIN must be like https://trials.example.org" in result.stderr
