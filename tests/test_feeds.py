"""The RSS feed of a search (trials/feeds.py) on the sample records: the search's newest updates, text XML
can carry, and one Feed instance serving every request without mixing one request's search into another's."""

import re
import threading
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

from django.urls import resolve

from trials.feeds import SearchFeed
from trials.models import Trial

from .factories import RECORDS

SEARCHES = [{"q": "pain"}, {"q": "leukemia", "status": "RECRUITING"}]


def channel(response):
    """(title, link, guids) of an RSS response."""
    root = ET.fromstring(response.content)
    guids = [guid.text for guid in root.iter("guid")]
    return root.findtext("channel/title"), root.findtext("channel/link"), guids


def shared_feed():
    """The SearchFeed instance the URL serves (inside require_safe: GET and HEAD only)."""
    return resolve("/trials/feed/").func.__wrapped__


def test_the_url_serves_one_shared_feed_instance():
    assert isinstance(shared_feed(), SearchFeed)
    assert shared_feed() is shared_feed()


def test_concurrent_requests_each_get_the_feed_of_their_own_search(rf, monkeypatch):
    """Two threads each ask for a search; both have asked before either feed is written (a barrier)."""
    feed = resolve("/trials/feed/").func
    both_asked = threading.Barrier(len(SEARCHES), timeout=30)
    get_object = SearchFeed.get_object

    def get_object_then_wait(self, request, *args, **kwargs):
        asked = get_object(self, request, *args, **kwargs)
        both_asked.wait()
        return asked

    monkeypatch.setattr(SearchFeed, "get_object", get_object_then_wait)
    monkeypatch.setattr(SearchFeed, "items", lambda self, search: [])  # no database in these threads
    with ThreadPoolExecutor(len(SEARCHES)) as pool:
        responses = list(pool.map(lambda params: feed(rf.get("/trials/feed/", params)), SEARCHES))
    for params, response in zip(SEARCHES, responses, strict=True):
        title, link, _guids = channel(response)
        assert title == f"Trials matching “{params['q']}”"
        assert link.endswith(f"/trials/?{urlencode(params)}")


def test_interleaved_searches_on_the_shared_feed_keep_their_own_title_link_and_items(rf, samples, db):
    """The second request's object is made before the first request's feed is written."""
    feed = shared_feed()
    requests = [rf.get("/trials/feed/", params) for params in SEARCHES]
    asked = [feed.get_object(request) for request in requests]
    feeds = [feed.get_feed(search, request) for search, request in zip(asked, requests, strict=True)]
    alone = [channel(feed(request)) for request in requests]  # each search served on its own
    for params, written, (title, link, guids) in zip(SEARCHES, feeds, alone, strict=True):
        assert written.feed["title"] == title == f"Trials matching “{params['q']}”"
        assert written.feed["link"] == link and link.endswith(f"/trials/?{urlencode(params)}")
        assert [item["unique_id"] for item in written.items] == guids
    assert alone[0][2] and alone[0][2] != alone[1][2]  # the two searches list different trials


def test_the_feed_lists_the_searchs_newest_updates_first(client, samples, db):
    response = client.get("/trials/feed/", {"status": "COMPLETED", "q": "pain"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    body = response.content.decode()
    items = re.findall(r"<guid isPermaLink=\"false\">(NCT\d{8})@", body)
    expected = [t.nct_id for t in Trial.objects.filter(nct_id__in=items).order_by("-last_update_posted_date", "-pk")]
    assert items and items == expected
    assert all(RECORDS[n]["statusModule"]["overallStatus"] == "COMPLETED" for n in items)
    assert "Trials matching “pain”" in body


def test_the_feed_drops_characters_xml_cannot_carry(client, samples, db):
    Trial.objects.filter(nct_id="NCT07107204").update(brief_title="Bell\x07 trial")
    response = client.get("/trials/feed/", {"q": "bell\x1fpain"})
    assert response.status_code == 200
    assert "Trials matching “bellpain”" in response.content.decode()
