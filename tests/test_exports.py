"""Exports as data (trials/search/exports.py): CSV rows and lines, and an API v2 page in pieces of text.

Then the downloads built from them: the search's /trials/export.csv and .json (the admin's "export
selected" in tests/test_admin.py).
"""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from trials.models import Trial
from trials.search import exports
from trials.search.exports import CSV_HEADER, csv_lines, csv_rows, json_chunks

from .conftest import SAMPLE_DIR, load_json
from .factories import exported, found

SOME = ["NCT07107204", "NCT06323538", "NCT02210780"]


@pytest.fixture
def some_trials(samples, db):
    """NCT ID -> primary key of a few sample trials (the module imports every sample once)."""
    return dict(Trial.objects.filter(nct_id__in=SOME).values_list("nct_id", "pk"))


def absolute(path):
    return "https://portal.example" + path


def test_csv_rows_are_the_header_then_one_row_per_trial_in_the_given_order(some_trials):
    ids = [some_trials[nct_id] for nct_id in reversed(SOME)]
    rows = list(csv_rows(ids, absolute))
    assert rows[0] == CSV_HEADER
    assert [row[0] for row in rows[1:]] == list(reversed(SOME))
    assert all(len(row) == len(CSV_HEADER) for row in rows)
    seed = rows[3]
    assert seed[1] == Trial.objects.get(nct_id="NCT07107204").brief_title
    assert seed[-1] == "https://portal.example/trials/NCT07107204/"


def test_csv_lines_are_text_a_spreadsheet_reads_back_as_the_rows(some_trials):
    ids = [some_trials[nct_id] for nct_id in SOME]
    lines = list(csv_lines(ids, absolute))
    assert all(isinstance(line, str) and line.endswith("\r\n") for line in lines)
    assert list(csv.reader(io.StringIO("".join(lines)))) == [
        [str(cell) for cell in row] for row in csv_rows(ids, absolute)
    ]


def test_csv_rows_are_read_a_chunk_at_a_time(some_trials, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    ids = [some_trials[nct_id] for nct_id in SOME]
    rows = csv_rows(ids, absolute)
    with CaptureQueriesContext(connection) as header:
        assert next(rows) == CSV_HEADER  # nothing read before the first trial is asked for
    with CaptureQueriesContext(connection) as first_chunk:
        assert [next(rows)[0], next(rows)[0]] == SOME[:2]
    with CaptureQueriesContext(connection) as second_chunk:
        assert [row[0] for row in rows] == SOME[2:]
    assert len(header) == 0 and 0 < len(second_chunk) == len(first_chunk)


def test_csv_cells_never_start_a_formula(some_trials):
    Trial.objects.filter(nct_id="NCT07107204").update(brief_title="=1+1", acronym="")
    (_, row) = csv_rows([some_trials["NCT07107204"]], absolute)
    assert row[1] == "'=1+1"


def test_json_chunks_join_to_an_api_v2_page_of_the_records_as_imported(some_trials):
    ids = [some_trials[nct_id] for nct_id in SOME]
    pieces = list(json_chunks(ids, len(ids), capped=False))
    assert len(pieces) == len(SOME) + 2  # the opening, one study each, the closing
    page = json.loads("".join(pieces))
    assert page == {"studies": [load_json(SAMPLE_DIR / f"{nct_id}.json") for nct_id in SOME], "totalCount": 3}


def test_a_capped_json_page_says_how_many_matched(some_trials):
    page = json.loads("".join(json_chunks([some_trials["NCT07107204"]], 40, capped=True)))
    assert [s["protocolSection"]["identificationModule"]["nctId"] for s in page["studies"]] == ["NCT07107204"]
    assert page["totalCount"] == 40 and page["note"] == "Only the first 1 of 40 matches are included."


def test_an_empty_export_is_a_header_and_an_empty_page(db):
    assert list(csv_rows([], absolute)) == [CSV_HEADER]
    assert json.loads("".join(json_chunks([], 0, capped=False))) == {"studies": [], "totalCount": 0}


# The search's downloads: /trials/export.csv and /trials/export.json on the sample records


def test_exports_contain_exactly_the_matches_in_the_list_order(client, search):
    params = {"q": "pain", "sort": "updated"}
    response = search(params)
    listed = found(response)
    csv_ids = exported(client, params)
    assert len(csv_ids) == response.context["results"].total and csv_ids[:20] == listed
    data = json.loads(b"".join(client.get("/trials/export.json", params).streaming_content))
    assert [s["protocolSection"]["identificationModule"]["nctId"] for s in data["studies"]] == csv_ids
    assert data["totalCount"] == len(csv_ids) and "note" not in data
    first = data["studies"][0]
    assert first == load_json(SAMPLE_DIR / f"{csv_ids[0]}.json")  # the registry's record, unchanged


def streamed(response):
    """The pieces of a streamed download, each with the number of queries run to produce it."""
    pieces, stream = [], iter(response.streaming_content)
    while True:
        with CaptureQueriesContext(connection) as read:
            piece = next(stream, None)
        if piece is None:
            return pieces
        pieces.append((piece, len(read)))


def test_a_csv_download_sends_its_header_before_reading_any_trial_then_reads_a_chunk_at_a_time(
    client, samples, db, monkeypatch
):
    """The first byte goes out before a trial is read, and the trials follow CHUNK_SIZE at a time: a 10,000-row file
    starts at once and is never held whole (bench/RESULTS.md, "CSV export")."""
    monkeypatch.setattr(exports, "CHUNK_SIZE", 1000)
    whole = client.get("/trials/export.csv", {"sort": "title"}).getvalue()  # read in one chunk
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    response = client.get("/trials/export.csv", {"sort": "title"})
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    pieces = streamed(response)
    rows = len(pieces) - 1
    assert rows == Trial.objects.published().count() > 100
    assert pieces[0] == (",".join(CSV_HEADER).encode() + b"\r\n", 0)  # the header, before any trial is read
    assert [i for i, (_, reads) in enumerate(pieces) if reads] == list(range(1, rows + 1, 10))  # a read every 10 rows
    assert b"".join(piece for piece, _ in pieces) == whole  # every row, in the list's order


def test_a_csv_export_is_capped_with_a_note(client, samples, db, monkeypatch):
    monkeypatch.setattr("trials.search.exports.EXPORT_LIMIT", 5)
    response = client.get("/trials/export.csv")
    assert response["X-Export-Note"] == "Only the first 5 matches are included"
    assert len(list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))) == 6


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client, samples, db):
    Trial.objects.filter(nct_id="NCT07107204").update(brief_title='=HYPERLINK("http://evil")')
    rows = list(csv.reader(io.StringIO(b"".join(client.get("/trials/export.csv").streaming_content).decode())))
    titles = {row[0]: row[1] for row in rows[1:]}
    assert titles["NCT07107204"] == '\'=HYPERLINK("http://evil")'
