"""import_ctgov under attack: each hostile input, imported beside a valid study, fails alone with a line naming
the file, the NCT ID, the field and the reason, while the valid study is stored and the stored one is kept whole.

The corpus is made here, from the seed record, rather than kept as files: the bombs would be large, and the
hostile value sits in an otherwise valid record.
"""

import json
import struct
import tracemalloc
import zipfile

import pytest

from trials import importer
from trials.importer import read_studies
from trials.models import Trial

from .conftest import SEED_PATH, import_paths, load_json
from .test_import_command import run_import, snapshot

pytestmark = pytest.mark.django_db

NCT_ID, VALID = "NCT07107204", "NCT99000001"  # the stored seed, which each hostile study tries to overwrite
LIMIT = 16 * 2**20  # the corpus's document limit: a 10 MB title fits, a 17 MB line does not
SITE = "contactsLocationsModule.locations[0]"
# A zip's central directory record: where each field we lie about sits, and its format
CENTRAL_DIRECTORY = {"flags": (8, "<H"), "method": (10, "<H"), "size": (24, "<I")}


@pytest.fixture
def valid():
    """The valid study imported with each hostile one."""
    study = load_json(SEED_PATH)
    study["protocolSection"]["identificationModule"]["nctId"] = VALID
    return study


def hostile(seed_study, **changes):
    """The seed with each of `changes` ({"module__key": value}) set in its protocol section."""
    for path, value in changes.items():
        module, key = path.split("__")
        seed_study["protocolSection"][module][key] = value
    return seed_study


def text(study):
    return json.dumps(study).encode()


def page(tmp_path, *studies):
    path = tmp_path / "page.json"
    path.write_bytes(b'{"studies": [' + b", ".join(text(study) for study in studies) + b"]}")
    return path


def lines(tmp_path, *documents):
    path = tmp_path / "studies.ndjson"
    path.write_bytes(b"\n".join(documents) + b"\n")
    return path


def hand_made_zip(tmp_path, documents, **lies):
    """A zip of {name: bytes}, deflated; `lies` rewrite the first entry's central directory record, as a hostile
    archive would: "flags" (1: encrypted), "method" (of compression), "size" (once inflated)."""
    path = tmp_path / "bulk.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in documents.items():
            archive.writestr(name, data)
    data = bytearray(path.read_bytes())
    record = data.index(b"PK\x01\x02")
    for field, value in lies.items():
        offset, form = CENTRAL_DIRECTORY[field]
        struct.pack_into(form, data, record + offset, value)
    path.write_bytes(data)
    return path


def with_site(study, lat, lon):
    study["protocolSection"]["contactsLocationsModule"]["locations"] = [{"city": "Tianjin", "geoPoint": {}}]
    study["protocolSection"]["contactsLocationsModule"]["locations"][0]["geoPoint"] = {"lat": lat, "lon": lon}
    return study


def deep_nesting(tmp_path, study, valid):
    path = lines(tmp_path, b"[" * 10_000 + b"]" * 10_000, text(valid))
    return path, f"{path}:1: - json: nested too deep to read"


def huge_integer(tmp_path, study, valid):
    path = page(tmp_path, hostile(study, designModule__enrollmentInfo={"count": 10**20}), valid)
    reason = "expected a whole number from 0 to 2147483647, got 100000000000000000000"
    return path, f"{path}: {NCT_ID} designModule.enrollmentInfo.count: {reason}"


def phases_of_objects(tmp_path, study, valid):
    path = page(tmp_path, hostile(study, designModule__phases=[{}]), valid)
    return path, f"{path}: {NCT_ID} designModule.phases: expected a list of phases, got [{{}}]"


def lone_surrogate(tmp_path, study, valid):
    path = page(tmp_path, hostile(study, identificationModule__briefTitle="A \ud800 title"), valid)
    reason = "'A \\ud800 title' holds a NUL or a lone surrogate, which are not text"
    return path, f"{path}: {NCT_ID} identificationModule.briefTitle: {reason}"


def encrypted_entry(tmp_path, study, valid):
    path = hand_made_zip(tmp_path, {f"{NCT_ID}.json": text(study), f"{VALID}.json": text(valid)}, flags=1)
    return path, f"{path}!{NCT_ID}.json: - zip: entry is encrypted (it needs a password)"


def unsupported_compression(tmp_path, study, valid):
    path = hand_made_zip(tmp_path, {f"{NCT_ID}.json": text(study), f"{VALID}.json": text(valid)}, method=99)
    return path, f"{path}!{NCT_ID}.json: - zip: entry is compressed with a method this importer cannot read (method 99)"


def zip_bomb(tmp_path, study, valid):
    """An entry that says it expands to 1 GiB: refused from its header, nothing inflated."""
    path = hand_made_zip(tmp_path, {f"{NCT_ID}.json": text(study), f"{VALID}.json": text(valid)}, size=2**30)
    reason = f"the entry expands to 1,073,741,824 bytes, more than the {LIMIT:,} bytes one JSON document may hold"
    return path, f"{path}!{NCT_ID}.json: - zip: {reason}"


def lying_zip_bomb(tmp_path, study, valid):
    """An entry that inflates to far more than its header says: read no further than the header's size."""
    bomb = text(study)[:-1] + b" " * (2 * LIMIT) + b"}"
    path = hand_made_zip(tmp_path, {f"{NCT_ID}.json": bomb, f"{VALID}.json": text(valid)}, size=1000)
    return path, f"{path}!{NCT_ID}.json: - zip: entry cannot be read (Bad CRC-32 for file '{NCT_ID}.json')"


def giant_line(tmp_path, study, valid):
    path = lines(tmp_path, text(study)[:-1] + b" " * LIMIT + b"}", text(valid))
    return path, f"{path}:1: - file: the line holds more than the {LIMIT:,} bytes one JSON document may hold"


def nct_id_with_a_newline(tmp_path, study, valid):
    path = page(tmp_path, hostile(study, identificationModule__nctId="NCT90000071\n"), valid)
    reason = "'NCT90000071\\n': An NCT ID is NCT followed by 8 digits, e.g. NCT01234567."
    return path, f"{path}: - identificationModule.nctId: {reason}"


def ten_megabyte_title(tmp_path, study, valid):
    path = page(tmp_path, hostile(study, identificationModule__briefTitle="x" * 10_000_000), valid)
    return path, f"{path}: {NCT_ID} identificationModule.briefTitle: 10000000 characters, more than the 500 allowed"


def infinite_latitude(tmp_path, study, valid):
    path = page(tmp_path, with_site(study, float("inf"), 117.2), valid)  # json.dumps writes Infinity
    assert b'"lat": Infinity' in path.read_bytes()
    return path, f"{path}: {NCT_ID} {SITE}.geoPoint.lat: Infinity is not a number JSON allows"


def nan_longitude(tmp_path, study, valid):
    path = page(tmp_path, with_site(study, 39.1, float("nan")), valid)
    return path, f"{path}: {NCT_ID} {SITE}.geoPoint.lon: NaN is not a number JSON allows"


def broken_json(tmp_path, study, valid):
    path = lines(tmp_path, text(valid), text(study)[:500])
    return path, f"{path}:2: - json: not valid JSON ("


@pytest.mark.parametrize(
    "make_input",
    [
        deep_nesting,
        huge_integer,
        phases_of_objects,
        lone_surrogate,
        encrypted_entry,
        unsupported_compression,
        zip_bomb,
        lying_zip_bomb,
        giant_line,
        nct_id_with_a_newline,
        ten_megabyte_title,
        infinite_latitude,
        nan_longitude,
        broken_json,
    ],
)
def test_a_hostile_input_fails_alone_and_the_valid_study_beside_it_is_stored(
    tmp_path, monkeypatch, seed_study, valid, make_input
):
    monkeypatch.setattr(importer, "MAX_DOCUMENT_BYTES", LIMIT)
    assert import_paths(SEED_PATH).failures == []
    stored = snapshot()[0][NCT_ID]
    path, failure = make_input(tmp_path, seed_study, valid)

    status, out, err = run_import(path)

    assert status == 1
    assert err.startswith(failure), err[:300]
    assert out.startswith("1 imported, 0 updated, 0 unchanged, 1 failed in "), out
    assert set(Trial.objects.values_list("nct_id", flat=True)) == {NCT_ID, VALID}
    assert snapshot()[0][NCT_ID] == stored


def peak_memory(function):
    """What calling `function` allocated at most, in bytes, and its result."""
    tracemalloc.start()
    try:
        result = function()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


def test_a_line_over_the_limit_is_skipped_a_chunk_at_a_time(tmp_path, monkeypatch, valid):
    monkeypatch.setattr(importer, "MAX_DOCUMENT_BYTES", 2**20)
    path = lines(tmp_path, b'{"x": "' + b"x" * (32 * 2**20) + b'"}', text(valid))
    peak, items = peak_memory(lambda: list(read_studies(path)))
    assert [(item.error[:30], item.nct_id) for item in items] == [("file: the line holds more than", "-"), ("", VALID)]
    assert peak < 4 * 2**20  # the line is 32 MiB


@pytest.mark.parametrize("declared", [32 * 2**20, 1000])  # what the header says; the entry inflates to 32 MiB
def test_a_zip_bomb_is_never_inflated_whole(tmp_path, monkeypatch, valid, declared):
    """Refused from the size its header declares, or, when the header lies, by reading no further than it."""
    monkeypatch.setattr(importer, "MAX_DOCUMENT_BYTES", 2**20)
    bomb = b"[" + b" " * (32 * 2**20) + b"]"
    path = hand_made_zip(tmp_path, {"NCT00000002.json": bomb, f"{VALID}.json": text(valid)}, size=declared)
    peak, items = peak_memory(lambda: list(read_studies(path)))
    assert [item.error[:5] for item in items] == ["zip: ", ""]
    assert peak < 4 * 2**20  # reading holds at most a few times the limit, never the 32 MiB
