"""Exports under abuse (trials/views/exports.py, trials/search/keyset.py, trials/throttle.py): a JSON export is pages
of at most 250 studies; no more than EXPORT_SLOTS stream at once and an address may ask EXPORT_RATE a minute, else
a 429 before any byte; a download past its time budget ends so that no one can take it for whole. A 200 is a whole file.
"""

import csv
import io
import json
from types import SimpleNamespace

import pytest

from trials.models import Trial
from trials.throttle import take_slot
from trials.views.exports import BUSY, CUT_OFF, ExportCutOff
from trials.workflow import unpublish

from .factories import RECORDS, exported

SORTS = ["updated", "start", "enrollment", "title", "relevance"]


@pytest.fixture(autouse=True)
def own_slots(settings, tmp_path):
    settings.EXPORT_SLOT_DIR = str(tmp_path / "slots")
    settings.EXPORT_SLOTS = 1


def nct_ids(page):
    return [study["protocolSection"]["identificationModule"]["nctId"] for study in page["studies"]]


def all_pages(client, params):
    """Every page of a JSON export, following nextPageToken; each must be a whole API v2 page."""
    pages, token = [], None
    while True:
        response = client.get("/trials/export.json", {**params, **({"pageToken": token} if token else {})})
        assert response.status_code == 200
        pages.append(json.loads(b"".join(response.streaming_content)))
        token = pages[-1].get("nextPageToken")
        if token is None:
            return pages


@pytest.mark.parametrize("sort", SORTS)
def test_json_pages_list_every_match_exactly_once(client, samples, db, sort):
    params = {"q": "pain", "sort": sort, "pageSize": "7"}
    pages = all_pages(client, params)
    listed = [nct_id for page in pages for nct_id in nct_ids(page)]
    matches = exported(client, {"q": "pain"})
    assert len(pages) == -(-len(matches) // 7) > 2
    assert sorted(listed) == sorted(matches)  # each match once: none missing, none twice
    assert all(len(nct_ids(page)) == 7 for page in pages[:-1])
    assert {page["totalCount"] for page in pages} == {len(matches)}


@pytest.mark.parametrize("sort", ["updated", "title"])
def test_json_pages_follow_the_lists_order(client, search, sort):
    pages = all_pages(client, {"sort": sort, "pageSize": "10"})
    assert [nct_id for page in pages for nct_id in nct_ids(page)] == exported(client, {"sort": sort})


def test_a_trial_withdrawn_between_two_pages_moves_no_other_trial_across_them(client, samples, db):
    first = json.loads(b"".join(client.get("/trials/export.json", {"pageSize": "5"}).streaming_content))
    unpublish(Trial.objects.get(nct_id=nct_ids(first)[0]), None)
    rest = all_pages(client, {"pageSize": "5", "pageToken": first["nextPageToken"]})
    after = [nct_id for page in rest for nct_id in nct_ids(page)]
    assert sorted(nct_ids(first) + after) == sorted(exported(client, {}) + nct_ids(first)[:1])


def test_without_a_page_size_a_json_page_holds_the_most_studies_allowed(client, samples, db, monkeypatch):
    monkeypatch.setattr("trials.views.exports.PAGE_SIZE", 100)
    first = json.loads(b"".join(client.get("/trials/export.json").streaming_content))
    assert len(first["studies"]) == 100 and first["totalCount"] == len(RECORDS) and "note" not in first
    assert client.get("/trials/export.json", {"pageSize": "101"}).status_code == 400


@pytest.mark.parametrize("size", ["0", "251", "-5", "ten", "", "2.5"])
def test_a_bad_page_size_is_a_400_saying_what_is_allowed(client, db, size):
    response = client.get("/trials/export.json", {"pageSize": size})
    assert response.status_code == 400 and not response.streaming
    assert response.content.decode() == "pageSize must be a whole number from 1 to 250."


def test_a_bad_or_foreign_page_token_is_a_400(client, samples, db):
    response = client.get("/trials/export.json", {"pageToken": "not-a-token"})
    assert response.status_code == 400 and response.content.decode() == "pageToken is not one this export gave."
    by_title = client.get("/trials/export.json", {"sort": "title", "pageSize": "3"})
    title_token = json.loads(b"".join(by_title.streaming_content))
    response = client.get("/trials/export.json", {"sort": "updated", "pageToken": title_token["nextPageToken"]})
    assert response.status_code == 400 and "another order" in response.content.decode()


@pytest.mark.parametrize("path", ["/trials/export.json", "/trials/export.csv"])
def test_exports_are_refused_with_nothing_streamed_while_every_slot_is_held(client, samples, db, path):
    held = take_slot()  # another worker's export, streaming
    response = client.get(path)
    assert response.status_code == 429 and not response.streaming
    assert response["Retry-After"] == "60" and response.content.decode() == BUSY
    held.release()
    assert client.get(path).status_code == 200


def test_a_slot_is_free_again_when_a_download_ends_or_is_dropped(client, samples, db):
    response = client.get("/trials/export.csv")
    assert take_slot() is None  # the download holds the only slot while it streams
    b"".join(response.streaming_content)
    dropped = client.get("/trials/export.json")
    assert dropped.status_code == 200
    dropped.close()  # the client went away before the end: gunicorn closes the response (and the test's database
    # connection: nothing below reads the database)
    slot = take_slot()
    assert slot is not None
    slot.release()


def test_an_address_over_the_rate_is_refused_for_the_rest_of_the_minute(client, samples, db, settings, monkeypatch):
    settings.EXPORT_RATE = 2
    # The count is per clock minute: pinned 20 s into one, so the requests cannot straddle two (it failed once so)
    monkeypatch.setattr("trials.throttle.time", SimpleNamespace(time=lambda: 60 * 29_500_000 + 20.0))
    for path in ("/trials/export.json", "/trials/export.csv"):
        assert b"".join(client.get(path).streaming_content)
    refused = client.get("/trials/export.csv")
    assert refused.status_code == 429 and refused["Retry-After"] == "41"  # the rest of the minute, and a second
    assert (
        refused.content.decode() == "You have asked for more than 2 exports this minute. Please try again in a minute."
    )
    assert client.get("/trials/export.csv", REMOTE_ADDR="192.0.2.7").status_code == 200  # another client


@pytest.mark.parametrize("path", ["/trials/export.json", "/trials/export.csv"])
def test_a_download_past_its_time_budget_is_cut_off_unmistakably(client, samples, db, settings, monkeypatch, path):
    monkeypatch.setattr("trials.search.exports.CHUNK_SIZE", 10)
    settings.EXPORT_SECONDS = 0  # any download outlives it: the cut comes after its first piece
    response = client.get(path)
    body = []
    with pytest.raises(ExportCutOff):  # the server drops the connection: a chunked body that never ends
        body.extend(response.streaming_content)
    text = b"".join(body).decode()
    assert text.endswith(CUT_OFF)
    if path.endswith(".json"):
        with pytest.raises(json.JSONDecodeError):
            json.loads(text)
    else:
        assert len(list(csv.reader(io.StringIO(text)))) < len(RECORDS)
    assert take_slot() is not None  # the slot is free again


def test_the_admins_json_export_of_a_large_selection_is_a_page_with_a_note(admin_client, samples, db, monkeypatch):
    monkeypatch.setattr("trials.views.exports.PAGE_SIZE", 3)
    selected = list(Trial.objects.order_by("nct_id").values_list("pk", flat=True)[:5])
    response = admin_client.post("/admin/trials/trial/", {"action": "export_json", "_selected_action": selected})
    page = json.loads(b"".join(response.streaming_content))
    assert len(page["studies"]) == 3 and page["note"] == "Only the first 3 of 5 matches are included."
