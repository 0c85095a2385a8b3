"""Reading API v2 study JSON from files, and importing it study by study.

Accepted inputs (docs/contract.md): a study file, an API page {"studies": [...]}, a
JSON list of studies, .ndjson/.jsonl (one study a line), a .zip of any of
these (the registry's bulk download), and directories of them (recursive).
Each study is checked on its own and written in batches (see Importer): a bad
study is reported and skipped, and nothing already stored is lost or
half-overwritten.
"""

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, transaction

from .changes import import_finished, trials_changed
from .models import Trial
from .registry import RecordError, SharedRows, parse_study, save_studies

LINE_SUFFIXES = {".ndjson", ".jsonl"}
STUDY_SUFFIXES = {".json"} | LINE_SUFFIXES
READABLE_SUFFIXES = STUDY_SUFFIXES | {".zip"}


@dataclass
class Item:
    """One study read from a source, or the reason it could not be read."""

    source: str
    study: object = None
    error: str = ""

    @property
    def nct_id(self):
        try:
            return self.study["protocolSection"]["identificationModule"]["nctId"]
        except (TypeError, KeyError):
            return "-"


def _read_stream(source, stream, suffix):
    """Studies from one open binary file: a whole JSON document, or one study a line (read as it goes)."""
    text = io.TextIOWrapper(stream, encoding="utf-8")
    try:
        if suffix in LINE_SUFFIXES:
            for number, line in enumerate(text, start=1):
                if line.strip():
                    yield from _studies_from_json(f"{source}:{number}", line)
        else:
            yield from _studies_from_json(source, text.read())
    except UnicodeDecodeError as exc:
        yield Item(source, error=f"file: not UTF-8 text ({exc.reason})")


def _studies_from_json(source, text):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Item(source, error=f"json: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})")
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
        with zipfile.ZipFile(path) as archive:
            names = sorted(
                n for n in archive.namelist() if not n.endswith("/") and Path(n).suffix.lower() in STUDY_SUFFIXES
            )
            if not names:
                yield Item(str(path), error="zip: holds no .json, .ndjson or .jsonl files")
            for name in names:
                with archive.open(name) as stream:
                    yield from _read_stream(f"{path}!{name}", stream, Path(name).suffix.lower())
    except (zipfile.BadZipFile, OSError) as exc:
        yield Item(str(path), error=f"zip: cannot be read ({exc})")


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
    (trials.changes) in the same transaction. A batch the database refuses is rolled
    back and written again study by study, each in its own savepoint, so only the
    study at fault fails and nothing stored before is lost or half-overwritten.
    finish() writes what is pending and brings the related-trials lists up to date once.
    """

    BATCH_SIZE = 200

    def __init__(self):
        self.result = ImportResult()
        self.shared = SharedRows()
        self.pending = {}  # NCT ID -> (Item, StudyData)
        self.changed = []  # ids of the trials written

    def finish(self):
        """Write the studies still pending, then what follows the whole run (changes.import_finished); returns
        the ImportResult."""
        self.flush()
        import_finished(self.changed)
        return self.result

    def fail(self, item, message):
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
        except DatabaseError:
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
        self.changed.extend(trial.pk for trial in trials)

    def _save_one(self, item, data, trial):
        try:
            self._write([(data, trial)])
        except DatabaseError as exc:
            self.shared.forget()
            self.fail(item, f"database: {str(exc).splitlines()[0]}")
            return False
        return True
