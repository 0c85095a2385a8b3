"""The search form's filter fields: kept as HTML once blank (trials/templatetags/search.py), never shown stale."""

import re

import pytest
from django.test import RequestFactory

from trials.filters import TrialFilter
from trials.models import SearchEntry
from trials.templatetags.search import filter_fields
from trials.views.search import MORE_FILTERS

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def age_box(response):
    return re.search(r'<input[^>]*name="age"[^>]*>', response.content.decode())[0]


def fields(query=""):
    form = TrialFilter(RequestFactory().get(f"/trials/?{query}").GET, queryset=SearchEntry.objects.none()).form
    return [form[name] for name in MORE_FILTERS]


def test_kept_fields_read_as_django_renders_them():
    rendered = "".join(f'<div class="filter-field">{field.as_field_group()}</div>' for field in fields())
    squeeze = lambda html: re.sub(r"\s+", "", html)  # noqa: E731
    assert squeeze(filter_fields(fields())) == squeeze(rendered)
    assert squeeze(filter_fields(fields("q=asthma"))) == squeeze(rendered)  # the second time: the kept HTML


def test_a_value_or_a_mistake_shows_after_blank_pages(client):
    assert 'value="' not in age_box(client.get("/trials/"))
    assert 'value="40"' in age_box(client.get("/trials/", {"age": "40", "q": "pain"}))
    refused = client.get("/trials/", {"age": "abc"}).content.decode()
    assert 'aria-invalid="true"' in re.search(r'<input[^>]*name="age"[^>]*>', refused)[0]
    assert 'value="' not in age_box(client.get("/trials/", {"q": "pain"}))
    assert "aria-invalid" not in age_box(client.get("/trials/", {"q": "pain"}))


def test_each_language_has_its_own_labels(client):
    english = client.get("/trials/").content.decode()
    chinese = client.get("/trials/", **ZH).content.decode()
    assert "Age (years)" in english
    assert "Age (years)" not in chinese
    assert "Age (years)" in client.get("/trials/").content.decode()
