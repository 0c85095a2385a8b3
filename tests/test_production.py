"""Production behaviour: deploy checks, security headers, admin sign-in lock-out, error pages, logs, health."""

import importlib
import io
import json
import logging
import os
import secrets
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import clear_url_caches

from .conftest import ROOT

NCT_ID = "NCT07107204"


def production_environment(**extra):
    return {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "trials.example.org",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        **extra,
    }


def test_the_deploy_check_reports_nothing_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_environment(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_an_https_page_carries_every_security_header(client, seed_trial):
    response = client.get(f"/trials/{NCT_ID}/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_our_pages_need_no_inline_script_or_style(client, seed_trial):
    """What the policy would block: <style>, style="", on…= handlers, or a <script> that is not a file or data."""
    pages = [
        "/",
        "/trials/",
        f"/trials/{NCT_ID}/",
        f"/trials/{NCT_ID}/full/",
        f"/trials/{NCT_ID}/eligibility/checklist/",
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert "<style" not in page and " style=" not in page, url
        assert " onclick=" not in page and " onload=" not in page, url
        for script in page.split("<script")[1:]:
            assert script.startswith((' src="', ' type="application/ld+json"')), (url, script[:80])


def test_hsts_is_sent_over_https_only(client, db):
    assert "Strict-Transport-Security" not in client.get("/healthz")


def test_a_public_page_sets_no_cookie(client, seed_trial):
    """Anonymous visitors get no session or CSRF cookie, so a CDN can keep the page for everyone."""
    for url in ["/", "/trials/", f"/trials/{NCT_ID}/"]:
        assert client.get(url).cookies == {}, url


def test_the_language_switch_needs_no_token_and_sets_a_secure_cookie(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/glossary/"}, secure=True)
    assert response.status_code == 302 and response["Location"] == "/glossary/"
    cookie = response.cookies["django_language"]
    assert cookie.value == "zh-hans"
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


# Admin sign-in


@pytest.fixture
def staff_password(db):
    password = secrets.token_urlsafe(16)
    get_user_model().objects.create_superuser("editor", password=password)
    return password


def sign_in(password, address="203.0.113.9"):
    client = Client(REMOTE_ADDR=address)
    response = client.post("/admin/login/?next=/admin/", {"username": "editor", "password": password}, secure=True)
    return client, response


def test_the_admin_sign_in_works_and_its_cookies_are_https_only(staff_password):
    client, response = sign_in(staff_password)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert response.cookies["sessionid"]["secure"] and response.cookies["sessionid"]["httponly"]
    assert client.get("/admin/", secure=True).status_code == 200


def test_five_wrong_passwords_lock_the_address_out_even_with_the_right_one(staff_password):
    for _ in range(4):
        assert sign_in("wrong")[1].status_code == 200  # the form again, with its error
    assert sign_in("wrong")[1].status_code == 429  # the fifth locks
    client, response = sign_in(staff_password)
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert "sessionid" not in response.cookies
    assert client.get("/admin/", secure=True).status_code == 302  # still signed out
    assert sign_in(staff_password, address="198.51.100.4")[1].status_code == 302  # other addresses are not locked


def test_a_successful_sign_in_clears_earlier_failures(staff_password):
    for _ in range(4):
        sign_in("wrong")
    assert sign_in(staff_password)[1].status_code == 302
    for _ in range(4):
        sign_in("wrong")
    assert sign_in(staff_password)[1].status_code == 302


def test_the_admin_lives_at_admin_url(client, db):
    import portal.urls

    try:
        with override_settings(ADMIN_URL="staff-7f3a/"):
            importlib.reload(portal.urls)
            clear_url_caches()
            assert client.get("/admin/").status_code == 404
            assert client.get("/staff-7f3a/")["Location"] == "/staff-7f3a/login/?next=/staff-7f3a/"
    finally:
        importlib.reload(portal.urls)
        clear_url_caches()


def test_no_account_exists_until_someone_creates_one(all_samples):
    """Migrations and the sample import create no user, so there is no default password to guess."""
    assert get_user_model().objects.count() == 0


# Errors, logs and health


@pytest.fixture
def log_output():
    """What the console handler (JSON on stdout/stderr in production) writes during the test, one dict a line."""
    handler = next(handler for handler in logging.getLogger().handlers if handler.name == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    handler.setStream(previous)


def test_while_the_database_is_down_pages_answer_503_with_a_friendly_page(db, monkeypatch, log_output):
    def unreachable():
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr("trials.views.pages.home_figures", unreachable)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Temporarily unavailable" in page and "Nothing was changed" in page and "not saved" not in page
    assert "Connection refused" not in page and "Traceback" not in page
    errors = [entry for entry in log_output() if entry["level"] == "ERROR"]
    assert errors and errors[0]["logger"] == "django.request"
    assert errors[0]["request_id"] == response["X-Request-ID"]
    assert "OperationalError" in errors[0]["exc_info"]


def test_a_request_that_raises_gets_the_500_page_and_is_logged_with_its_request_id(db, monkeypatch, log_output):
    def broken():
        raise ValueError("a bug")

    monkeypatch.setattr("trials.views.pages.home_figures", broken)
    request_id = "4f0c0ad6f4c84b4c9d2a2c4f1b7e9a10"
    response = Client(raise_request_exception=False).get("/", headers={"X-Request-ID": request_id})
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode() and "a bug" not in response.content.decode()
    assert response["X-Request-ID"] == request_id  # a load balancer's id is kept, so its logs and ours join up
    (error,) = [entry for entry in log_output() if entry["level"] == "ERROR"]
    assert error["request_id"] == request_id and error["message"] == "Internal Server Error: /"
    assert "ValueError: a bug" in error["exc_info"]


def test_a_request_id_that_is_not_a_uuid_is_replaced(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": "evil\nline"})
    assert len(response["X-Request-ID"]) == 32 and "evil" not in response["X-Request-ID"]


def test_healthz_checks_the_database(client, db, monkeypatch):
    assert client.get("/healthz").content == b"ok"

    def refuse(*args, **kwargs):
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)
    response = client.get("/healthz")
    monkeypatch.undo()
    assert response.status_code == 503 and response.content == b"database default unavailable"
