"""The minimal public pages: the trial list, a record, its JSON, and the health check."""

import re

import pytest

from trials.models import Trial
from trials.search.criteria import DEFAULT_DISTANCE_KM

from .factories import RECORDS

pytestmark = pytest.mark.django_db


def test_the_list_shows_twenty_trials_a_page_newest_update_first(client, all_samples, django_assert_max_num_queries):
    # the index version, then again for the whole index's facet groups (cached apart, as every search without
    # words shares them), the groups, top conditions, the page's ids, trials + lead sponsors, their conditions,
    # countries; once the facets are cached, the version and the page's own four
    with django_assert_max_num_queries(8):
        response = client.get("/trials/")
    assert response.status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get("/trials/").content == response.content
    page = response.content.decode()
    newest = Trial.objects.order_by("-last_update_posted_date", "-pk")
    for trial in newest[:20]:
        assert trial.nct_id in page
    assert newest[20].nct_id not in page
    assert f"{Trial.objects.count()} trials" in page
    assert "Not yet recruiting" in page and "Biotroy Therapeutics" in page
    second = client.get("/trials/", {"page": 2}).content.decode()
    assert newest[20].nct_id in second


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "1e9", "1%00"])
def test_odd_page_numbers_show_a_page_not_an_error(client, all_samples, page):
    assert client.get("/trials/", {"page": page}).status_code == 200


def test_html_in_registry_text_is_shown_as_text(client, seed_trial):
    Trial.objects.filter(pk=seed_trial.pk).update(
        brief_title="<script>alert(1)</script> trial",
        brief_summary="Safe *markdown* <img src=x onerror=alert(1)> [link](javascript:alert(1))",
    )
    page = client.get("/trials/NCT07107204/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; trial" in page
    assert "<em>markdown</em>" in page
    assert "<img" not in page and 'href="javascript:' not in page


def test_healthz_answers_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_the_sitemap_lists_every_trial_with_its_last_update(client, all_samples):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    page = response.content.decode()
    for trial in Trial.objects.all():
        assert f"<loc>http://testserver/trials/{trial.nct_id}/</loc>" in page
    seed = Trial.objects.get(nct_id="NCT07107204")
    assert f"<lastmod>{seed.last_update_posted_date.isoformat()}</lastmod>" in page
    for trial in Trial.objects.all():  # and the results pages there are
        assert (f"<loc>http://testserver/trials/{trial.nct_id}/results/</loc>" in page) == trial.has_results
    assert Trial.objects.filter(has_results=True).count() == 14


def test_the_home_page_shows_totals_top_conditions_and_recent_updates(client, all_samples):
    response = client.get("/")
    page = response.content.decode()
    recruiting = sum(r["statusModule"]["overallStatus"] == "RECRUITING" for r in RECORDS.values())
    assert f"{len(RECORDS)} trials" in page and f"{recruiting} recruiting now" in page
    assert "Intervertebral Disc Displacement" in page  # the most studied group (tests/test_condition_groups.py)
    newest = Trial.objects.order_by("-last_update_posted_date", "-pk").first()
    assert newest.brief_title in page
    assert 'role="search"' in page


def test_the_home_page_searches_near_a_place_within_the_default_distance(client, all_samples):
    page = client.get("/").content.decode()
    form = re.search(r'<form method="get" action="/trials/" role="search".*?</form>', page, re.S).group()
    fields = dict(re.findall(r'<input type="(?:text|hidden)" name="(\w+)"(?: value="(\w*)")?', form))
    assert fields == {"q": "", "near": "", "distance": str(DEFAULT_DISTANCE_KM)}
    assert '<label for="id_near">' in form
    fields["near"] = "Paris, France"
    results = client.get("/trials/", fields).content.decode()
    assert "1 trial within 100 km of Paris, France" in " ".join(re.sub(r"<[^>]+>", " ", results).split())


def test_a_list_of_trials_reads_only_the_columns_it_shows(all_samples, django_assert_num_queries):
    """Trial.objects.for_list() reads a few columns of the wide trial row: showing a list, as a search result or an
    RSS item, must not read any other (one query per trial)."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from trials.feeds import SearchFeed

    trials = list(Trial.objects.for_list().order_by("pk"))
    feed = SearchFeed()
    with django_assert_num_queries(0):
        for trial in trials:
            html = render_to_string("trials/includes/trial_item.html", {"trial": trial}, RequestFactory().get("/"))
            assert trial.nct_id in html
            item = feed.item_title(trial), feed.item_guid(trial), feed.item_pubdate(trial), feed.item_link(trial)
            assert trial.brief_title in item[0]
            render_to_string("trials/feed_item.html", {"obj": trial})
