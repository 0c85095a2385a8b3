"""Reading API v2 study JSON from files, and importing it study by study.

Accepted inputs (docs/contract.md): a study file, an API page {"studies": [...]}, a
JSON list of studies, .ndjson/.jsonl (one study a line), a .zip of any of
these (the registry's bulk download), and directories of them (recursive).
Each study is checked on its own and written in batches (see Importer): a bad
study is reported and skipped, and nothing already stored is lost or
half-overwritten.
"""

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .changes import import_finished, trials_changed
from .identifiers import validate_nct_id
from .models import Trial
from .registry import RecordError, SharedRows, parse_study, save_studies

LINE_SUFFIXES = {".ndjson", ".jsonl"}
STUDY_SUFFIXES = {".json"} | LINE_SUFFIXES
READABLE_SUFFIXES = STUDY_SUFFIXES | {".zip"}
# The most one JSON document (a file, a zip entry or a line) may hold, so memory stays bounded (reading one
# takes about five times its size) whatever the input. An API page of 1,000 studies is about 25 MB.
MAX_DOCUMENT_BYTES = 64 * 2**20
SKIP_CHUNK = 2**20  # bytes read at a time while skipping the rest of a line that is too long
MAX_MESSAGE = 500  # characters of a failure's reason
ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


@dataclass
class Item:
    """One study read from a source, or the reason it could not be read."""

    source: str
    study: object = None
    error: str = ""

    @property
    def nct_id(self):
        """The study's NCT ID, or "-" when it has none that is valid (the reason then names what it has)."""
        try:
            nct_id = self.study["protocolSection"]["identificationModule"]["nctId"]
        except (TypeError, KeyError):
            return "-"
        return nct_id if isinstance(nct_id, str) and validate_nct_id.regex.search(nct_id) else "-"


def too_large(what):
    return f"{what} more than the {MAX_DOCUMENT_BYTES:,} bytes one JSON document may hold"


def _read_stream(source, stream, suffix):
    """Studies from one open binary file: a whole JSON document, or one study a line (read as it goes)."""
    if suffix in LINE_SUFFIXES:
        yield from _read_lines(source, stream)
        return
    document = stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(document) > MAX_DOCUMENT_BYTES:
        yield Item(source, error=too_large("file: it holds"))
    else:
        yield from _studies_from_json(source, document)


def _read_lines(source, stream):
    """One study a line; a line over MAX_DOCUMENT_BYTES is skipped a chunk at a time, never held whole."""
    number = 0
    while line := stream.readline(MAX_DOCUMENT_BYTES + 1):
        number += 1
        if len(line) > MAX_DOCUMENT_BYTES:
            while line and not line.endswith(b"\n"):
                line = stream.readline(SKIP_CHUNK)
            yield Item(f"{source}:{number}", error=too_large("file: the line holds"))
        elif line.strip():
            yield from _studies_from_json(f"{source}:{number}", line)


def _studies_from_json(source, document):
    try:
        data = json.loads(document.decode("utf-8"))
    except UnicodeDecodeError as exc:
        yield Item(source, error=f"file: not UTF-8 text ({exc.reason})")
        return
    except json.JSONDecodeError as exc:
        yield Item(source, error=f"json: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})")
        return
    except RecursionError:
        yield Item(source, error="json: nested too deep to read")
        return
    except ValueError as exc:  # a number of more digits than Python converts
        yield Item(source, error=f"json: not valid JSON ({exc})")
        return
    if isinstance(data, dict) and "studies" in data and "protocolSection" not in data:
        data = data["studies"]
    studies = data if isinstance(data, list) else [data]
    if not studies:
        yield Item(source, error="file: holds no studies")
    for study in studies:
        yield Item(source, study)


def read_studies(path):
    """Yield an Item for every study under `path` (file, directory or zip), in a stable order."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READABLE_SUFFIXES)
        if not files:
            yield Item(str(path), error="path: holds no .json, .ndjson, .jsonl or .zip files")
        for file in files:
            yield from read_studies(file)
        return
    if not path.exists():
        yield Item(str(path), error="path: does not exist")
        return
    suffix = path.suffix.lower()
    if suffix == ".zip":
        yield from _read_zip(path)
        return
    try:
        with path.open("rb") as stream:
            yield from _read_stream(str(path), stream, suffix)
    except OSError as exc:
        yield Item(str(path), error=f"file: cannot be read ({exc.strerror})")


def _read_zip(path):
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield Item(str(path), error=f"zip: cannot be read ({exc})")
        return
    with archive:
        entries = sorted(
            (e for e in archive.infolist() if not e.is_dir() and Path(e.filename).suffix.lower() in STUDY_SUFFIXES),
            key=lambda entry: entry.filename,
        )
        if not entries:
            yield Item(str(path), error="zip: holds no .json, .ndjson or .jsonl files")
        for entry in entries:
            source, suffix = f"{path}!{entry.filename}", Path(entry.filename).suffix.lower()
            if error := _entry_error(entry, suffix):
                yield Item(source, error=error)
                continue
            try:
                with archive.open(entry) as stream:
                    yield from _read_stream(source, stream, suffix)
            except Exception as exc:  # damaged data (a bad CRC, a size the header lied about): this entry alone fails
                yield Item(source, error=f"zip: entry cannot be read ({exc})")


def _entry_error(entry, suffix):
    """Why a zip entry cannot be read, told from its header alone (nothing is inflated); "" when it can."""
    if entry.flag_bits & 0x1:
        return "zip: entry is encrypted (it needs a password)"
    if entry.compress_type not in ZIP_METHODS:
        return f"zip: entry is compressed with a method this importer cannot read (method {entry.compress_type})"
    if suffix not in LINE_SUFFIXES and entry.file_size > MAX_DOCUMENT_BYTES:
        return too_large(f"zip: the entry expands to {entry.file_size:,} bytes,")
    return ""


@dataclass
class ImportResult:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list = field(default_factory=list)

    @property
    def failed(self):
        return len(self.failures)

    @property
    def total(self):
        return self.imported + self.updated + self.unchanged + self.failed


class Importer:
    """Imports studies in batches, counting what happened to each: add() each study, then finish().

    Studies are checked one by one as they are added, then written BATCH_SIZE at a
    time (one INSERT per table), each batch with what follows any change to a trial
    (trials.changes) in the same transaction. A batch that fails to be written (whatever the error) is
    rolled back and written again study by study, each in its own savepoint, so only the
    study at fault fails and nothing stored before is lost or half-overwritten.
    finish() writes what is pending and brings the related-trials lists up to date once.
    """

    BATCH_SIZE = 200

    def __init__(self):
        self.result = ImportResult()
        self.shared = SharedRows()
        self.pending = {}  # NCT ID -> (Item, StudyData)

    def finish(self):
        """Write the studies still pending, then what follows the whole run (changes.import_finished); returns
        the ImportResult."""
        self.flush()
        import_finished()
        return self.result

    def fail(self, item, message):
        """Count a study as failed, with why (cut short: a reason may quote a huge value)."""
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - 1] + "…"
        self.result.failures.append(f"{item.source}: {item.nct_id} {message}")

    def add(self, item):
        if item.error:
            self.fail(item, item.error)
            return
        try:
            data = parse_study(item.study)
        except RecordError as exc:
            self.fail(item, f"{exc.field}: {exc.reason}")
            return
        except Exception as exc:  # a check this study escaped: it fails alone, the run goes on
            self.fail(item, f"study: cannot be read ({type(exc).__name__}: {exc})")
            return
        if data.nct_id in self.pending:  # a later version of the same study in this batch
            self.flush()
        self.pending[data.nct_id] = (item, data)
        if len(self.pending) >= self.BATCH_SIZE:
            self.flush()

    def flush(self):
        """Write the pending studies: unchanged ones are counted and skipped."""
        pending, self.pending = self.pending, {}
        stored = {trial.nct_id: trial for trial in Trial.objects.registered().filter(nct_id__in=list(pending))}
        batch = []
        for nct_id, (item, data) in pending.items():
            trial = stored.get(nct_id)
            if trial is not None and trial.source_record == data.record:
                self.result.unchanged += 1
            else:
                batch.append((item, data, trial))
        try:
            self._write([(data, trial) for _, data, trial in batch])
        except Exception:  # whatever the error, written again one by one: that reports the study at fault
            self.shared.forget()
            batch = [entry for entry in batch if self._save_one(*entry)]
        for _, _, trial in batch:
            if trial is None:
                self.result.imported += 1
            else:
                self.result.updated += 1

    @transaction.atomic
    def _write(self, batch):
        new = {data.nct_id for data, trial in batch if trial is None}
        trials = save_studies(batch, self.shared)
        records = [data.record.get("protocolSection", {}) for data, _ in batch]
        trials_changed(
            [trial.pk for trial in trials],
            reason="Imported",
            created=[trial.pk for trial in trials if trial.nct_id in new],
            records={trial.pk: record for trial, record in zip(trials, records, strict=True)},
            refresh_related=False,  # finish() does it once for the whole run
        )

    def _save_one(self, item, data, trial):
        try:
            self._write([(data, trial)])
        except Exception as exc:
            self.shared.forget()
            self.fail(item, f"database: {str(exc).splitlines()[0]}")
            return False
        return True
