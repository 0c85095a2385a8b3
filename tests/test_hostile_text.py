"""Hostile record text on public pages: markup in any text field is shown as text on every page and kept as data
in the record's JSON, the search, the directories, home, the feed and the exports (tests/hostile.py makes the record).
"""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.utils.html import escape

from trials.models import Investigator, Trial

from .conftest import import_paths
from .factories import change
from .hostile import ESCAPED, NCT_ID, PAYLOAD, PAYLOADS, RAW_TAGS, assert_no_raw_markup, body, json_ld, strings

pytestmark = pytest.mark.django_db


RECORD_PAGES = ["", "design/", "groups/", "eligibility/", "eligibility/checklist/", "contacts/", "history/", "full/"]


@pytest.mark.parametrize("section", RECORD_PAGES)
def test_record_pages_show_payloads_as_text(client, hostile, section):
    url = f"/trials/{NCT_ID}/{section}"
    page = body(client.get(url))
    assert_no_raw_markup(page, url)
    assert ESCAPED in page  # the title, at least, is there and reads as typed


def test_each_record_section_shows_its_own_fields_escaped(client, hostile):
    """Spot checks that the text really is on the page where each field is shown: plain text escaped,
    markdown sanitised (its words kept, its markup dropped)."""
    trial = Trial.objects.get(nct_id=NCT_ID)
    intervention = trial.interventions.first()
    plain = {
        "": [trial.ordered_conditions[0].name, trial.keywords.first().term, trial.references.first().citation],
        "design/": [intervention.name, intervention.other_names[0], trial.target_duration],
        "groups/": [trial.arm_groups.first().label],
        "eligibility/": [trial.criteria.first().text],
        "contacts/": [
            trial.lead_sponsor.name,
            trial.central_contacts.first().name,
            trial.locations.first().facility,
            trial.officials.first().investigator.affiliation,
        ],
    }
    markdown = {
        "": ["The goal of this clinical trial", "BT02 is an antibody.", "Part A: escalation"],
        "design/": ["Open label", "Escalation, then expansion", "Blood samples"],
        "groups/": ["BT02 every 2 or 3 weeks"],
    }
    for section, texts in plain.items():
        page = body(client.get(f"/trials/{NCT_ID}/{section}"))
        for text in texts:
            assert PAYLOADS[0] in text
            unescaped = text.replace("\\<", "<")  # how a registry escape reads where the page removes it
            assert escape(unescaped) in page or escape(text) in page, (section, text[:40])
    for section, texts in markdown.items():
        page = body(client.get(f"/trials/{NCT_ID}/{section}"))
        for text in texts:
            assert text in page, (section, text)


def test_the_history_page_shows_the_changed_text_escaped(client, hostile):
    """The clean import, then the one with payloads: the difference lists the new texts."""
    trial = Trial.objects.get(nct_id=NCT_ID)
    page = body(client.get(f"/trials/{NCT_ID}/history/", {"from": 1, "to": 2}))
    assert_no_raw_markup(page, "history")
    unmarked = page.replace("<ins>", "").replace("</ins>", "")  # only the words added are marked
    assert escape(trial.brief_title) in unmarked and "Malignancies <ins>&lt;script&gt;alert(1)" in page
    assert escape(trial.locations.first().city) in unmarked


@pytest.mark.parametrize("section", ["", "contacts/", "full/"])
def test_the_json_ld_block_cannot_be_closed_and_keeps_the_text(client, hostile, section):
    page = body(client.get(f"/trials/{NCT_ID}/{section}"))
    text = json_ld(page)
    assert "<" not in text and ">" not in text
    data = json.loads(text)
    trial = Trial.objects.get(nct_id=NCT_ID)
    assert data["name"] == trial.brief_title and PAYLOAD in data["name"]
    assert data["alternateName"] == trial.official_title
    assert data["sponsor"]["name"] == trial.lead_sponsor.name
    assert [c["name"] for c in data["healthCondition"]] == [c.name for c in trial.ordered_conditions]
    assert data["description"] == trial.summary_text[:500]


def test_the_record_json_keeps_every_payload_as_data(client, hostile):
    response = client.get(f"/trials/{NCT_ID}.json")
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"  # a browser never sniffs it as HTML
    exported = set(strings(json.loads(body(response))))
    poisoned = [text for text in strings(hostile) if PAYLOAD in text]
    assert len(poisoned) > 40
    assert [text for text in poisoned if text not in exported] == []


def test_search_results_and_filters_show_payloads_as_text(client, hostile):
    """Matches with their snippets, and the search's own words and filters shown back (reflected as typed)."""
    trial = Trial.objects.get(nct_id=NCT_ID)
    searches = [
        {"q": "BT02"},
        {"q": "alert onerror"},
        {"q": PAYLOAD},
        {name: PAYLOAD for name in ("condition", "sponsor", "country", "near", "sort", "status", "phase", "age")},
        {"condition": trial.ordered_conditions[0].name},
        {"sponsor": trial.lead_sponsor.name},
        {"country": trial.locations.first().country},
    ]
    for search in searches:
        page = body(client.get("/trials/", search))
        assert_no_raw_markup(page, f"/trials/ {search}")
        assert "&lt;script&gt;" in page, search
    page = body(client.get("/trials/", {"q": "BT02"}))
    assert f'href="/trials/{NCT_ID}/"' in page and ESCAPED in page


def test_directory_pages_show_payloads_as_text(client, hostile):
    trial = Trial.objects.get(nct_id=NCT_ID)
    investigator = Investigator.objects.get(officials__trial=trial)
    urls = [
        "/",
        "/conditions/",
        trial.ordered_conditions[0].get_absolute_url(),
        "/sponsors/",
        trial.lead_sponsor.get_absolute_url(),
        trial.ordered_collaborators[0].get_absolute_url(),
        investigator.get_absolute_url(),
    ]
    for url in urls:
        page = body(client.get(url))
        assert_no_raw_markup(page, url)
        assert "&lt;script&gt;" in page, url


def test_the_feed_carries_payloads_as_text(client, hostile):
    for search in ({}, {"q": f"BT02 {PAYLOAD}"}):
        page = body(client.get("/trials/feed/", search))
        assert_no_raw_markup(page, f"feed {search}", RAW_TAGS)
        items = ET.fromstring(page.encode()).find("channel").findall("item")
        # With the payload as search words, PostgreSQL's text search may match nothing: the echo is what counts.
        assert items or search
        for item in items:
            # A reader shows the description as HTML: once the XML is read, it must still be escaped.
            description = item.findtext("description")
            assert_no_raw_markup(description, f"feed {search}")
            assert "&lt;script&gt;" in description


def test_exports_keep_payloads_as_data(client, hostile):
    rows = list(csv.reader(io.StringIO(body(client.get("/trials/export.csv", {"q": "BT02"})))))
    titles = {row[0]: row[1] for row in rows[1:]}
    assert titles[NCT_ID] == Trial.objects.get(nct_id=NCT_ID).brief_title
    studies = json.loads(body(client.get("/trials/export.json", {"q": "BT02"})))["studies"]
    exported = {s["protocolSection"]["identificationModule"]["nctId"]: s for s in studies}
    assert set(strings(hostile)) <= set(strings(exported[NCT_ID]))


UNCLOSED = ["<style>", "<template>", "<script>", "<iframe>", "<textarea>", "<title>", "<noscript>"]


@pytest.mark.parametrize("tag", UNCLOSED)
def test_an_unclosed_tag_in_a_summary_loses_no_text(client, seed_study, write_json, tag):
    """A tag that HTML reads its element's content raw in (or a sanitiser drops with its content) shows as typed,
    and every word after it is still there, as text."""
    study = change(seed_study, "descriptionModule.briefSummary", f"Words before {tag} and *every* word after it.")
    assert import_paths(write_json("study.json", study)).failures == []
    page = body(client.get(f"/trials/{NCT_ID}/"))
    assert f"Words before {escape(tag)} and <em>every</em> word after it." in page
