"""Full text on each database, behind one interface: PostgreSQL's tsvector, SQLite's FTS5.

A backend writes the text of trials (Documents), filters SearchEntry querysets by a
TextQuery, orders them by relevance, and cuts snippets of where a trial matched, with
MARK_START / MARK_END around each matching word (escaped and turned into <mark> later).
"""

import json
from contextlib import contextmanager, nullcontext

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, connections, router
from django.db.models import BooleanField, F, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.db.models.lookups import Exact, GreaterThan, In, LessThan

from trials import choices
from trials.choices import Status
from trials.models import SearchEntry, Trial

from .documents import Document

OPEN = [*choices.OPEN, Status.AVAILABLE]  # best match's open trials: still enrolling, or expanded access available
MARK_START, MARK_END = "\ue000", "\ue001"
# Buckets 0, 1, 2-3, 4-7, ... 32-63 as (first bucket, width): each block has a text index of its own on PostgreSQL
# (migration 0018), which reads a sample's matches without the whole list of a common word's trials.
TEXT_BLOCKS = [(0, 1), (1, 1), (2, 2), (4, 4), (8, 8), (16, 16), (32, 32)]
TEXT_MATCHED = "text_matched"  # the alias PostgreSQL's match() marks its entries with
NO_WORDS_RANK = 1e-20  # PostgreSQL's ts_rank of a vector without the words
# Best match ranks at most this many matches: past it, the RANK_LIMIT most recently updated (of a sample, for a
# very broad search: trials/search/facets.py), and the page says so. Ranking reads each ranked trial's text:
# 1,000 take ~16 ms on PostgreSQL at 500,000 trials (5,000 took 80 ms), and bm25 over 5,000 took SQLite ~100 ms.
RANK_LIMIT = 1_000
# Where a snippet is looked for, in this order: Document part -> Trial field.
# Where the words are found ranks a trial: PostgreSQL's weights for its D, C, B and A parts (see Document.WEIGHTS);
# SQLite's bm25 column weights are the same in its rank setting (migration 0013). Words found only in the description
# or criteria rank 0: below every trial whose title, conditions, interventions, sponsors or summary have them.
RANK_WEIGHTS = [0.0, 0.2, 0.4, 1.0]
SNIPPET_PARTS = {"summary": "brief_summary", "description": "detailed_description", "criteria": "eligibility_criteria"}
# PostgreSQL's ts_headline options for a snippet: up to two fragments of 12-24 words (SQLite's snippet(): 24 tokens)
HEADLINE_OPTIONS = {
    "StartSel": MARK_START,
    "StopSel": MARK_END,
    "MaxFragments": 2,
    "MaxWords": 24,
    "MinWords": 12,
    "FragmentDelimiter": " … ",
}


def set_work_mem(sender, connection, **kwargs):
    """A new PostgreSQL connection's work_mem: settings.DATABASE_WORK_MEM (the server's 4MB made a search's bitmaps
    lossy at 500,000 trials). Guarded by test_each_postgresql_connection_has_the_work_mem_set
    (tests/test_search_filters.py)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', %s, false)", [settings.DATABASE_WORK_MEM])


class PostgresBackend:
    """tsvector with GIN (and one per block of buckets); ts_rank reads each ranked row's head (~7-16 µs a row),
    hence RANK_LIMIT."""

    config = "english"
    write_sql = (
        "UPDATE trials_searchentry SET document = "
        + " || ".join(f"setweight(to_tsvector('english', %s), '{weight}')" for weight in Document.WEIGHTS.values())
        + " WHERE trial_id = %s"
    )
    # best match's part of each document (SearchEntry.head): its parts weighted A to C, which come first
    head_sql = "UPDATE trials_searchentry SET head = ts_filter(document, '{a,b,c}') WHERE trial_id = ANY(%s)"

    def clear(self):
        """Nothing to do: the vectors live in the SearchEntry rows."""

    @contextmanager
    def planned_with_values(self):
        """Run a search's statements unprepared, so PostgreSQL plans each with its words and filters.

        settings.py prepares a statement run five times on a connection; PostgreSQL may then plan it once for any
        values, and a plan made blind read words + status + phase's status and phase over the whole table: its
        ranking query 35 -> 40-118 ms at 500,000 trials, the page's p95 262 -> 179 ms unprepared (bench/RESULTS.md).
        Record pages keep theirs prepared. Guarded by
        test_a_search_plans_its_statements_with_their_values_and_a_record_page_keeps_its_own_prepared
        (tests/test_search_filters.py)."""
        database = connections[router.db_for_read(SearchEntry)]
        database.ensure_connection()
        raw = database.connection
        threshold, raw.prepare_threshold = raw.prepare_threshold, None
        try:
            yield
        finally:
            raw.prepare_threshold = threshold

    def write(self, documents, removed=()):
        rows = [[text for _, text in doc.parts()] + [pk] for pk, doc in documents.items()]
        with connection.cursor() as cursor:
            cursor.executemany(self.write_sql, rows)
            cursor.execute(self.head_sql, [list(documents)])

    def id_list(self, ids):
        """For `pk__in`: a list of ids as one array parameter, written as text (1,000 ids as 1,000 placeholders cost
        ~15 ms to send; as a Python list, psycopg writes each: ~1.5 ms)."""
        return RawSQL("SELECT unnest(%s::bigint[])", ("{" + ",".join(map(str, ids)) + "}",))

    def in_buckets(self, entries, start, stop):
        """The entries in sample buckets start to stop - 1. Matching words, through the text indexes of the blocks
        that hold those buckets (migration 0018), not the word's whole list: its condition names each block as its
        index does, with constants (a parameter would hide which blocks from the planner)."""
        entries = entries.filter(bucket__gte=start, bucket__lt=stop)
        if TEXT_MATCHED not in entries.query.annotations:
            return entries
        blocks = [
            f"bucket / {width} = {first // width}"
            for first, width in TEXT_BLOCKS
            if start < first + width and first < stop
        ]
        return entries.filter(RawSQL(f"({' OR '.join(blocks)})", (), output_field=BooleanField()))

    def search_query(self, query):
        return SearchQuery(query.to_websearch(), search_type="websearch", config=self.config)

    def match(self, entries, query):
        return entries.filter(document=self.search_query(query)).alias(**{TEXT_MATCHED: Value(True)})

    def by_relevance(self, entries, query, candidates=None):
        """The entries best first; only the candidates (ids known to match) if given, else the most recent matches."""
        if candidates is None:
            candidates = entries.order_by("-last_update", "-pk").values("pk")[:RANK_LIMIT]
        else:
            candidates = self.id_list(candidates)
        # Ranked from the head alone: RANK_WEIGHTS gives the rest 0, and the rank is the same (~15 -> 7 ms for 1,000
        # at 100,000 trials; tests/test_search_same.py guards the order), except that ts_rank gives 1e-20, not 0, to
        # a head without the words: less 1e-20, it is 0, and a real rank (above 1e-6) is unchanged. Not a CASE, which
        # ranked each trial twice per use (~4 ms for 1,000 at 500,000 trials).
        head_rank = SearchRank(F("head"), self.search_query(query), weights=RANK_WEIGHTS)
        rank = Greatest(head_rank, Value(NO_WORDS_RANK)) - Value(NO_WORDS_RANK)
        ranked = entries.model.objects.filter(pk__in=candidates).alias(rank=rank)
        return _best_first(ranked, GreaterThan(F("rank"), 0), "-rank")

    def snippets(self, trial_ids, query):
        """Each trial's first part with the words marked (SNIPPET_PARTS' order). A part's ts_headline runs only when
        the parts before it show no match: a CASE's branch runs only when reached, and OFFSET 0 keeps each headline
        computed once. Pages of 20 at 100,000 trials: 16.7 -> 9.8 ms, the same snippets (bench/RESULTS.md;
        test_a_snippet_shows_the_first_part_that_holds_the_words guards which part shows)."""
        database = connections[router.db_for_read(Trial)]
        first = "NULL"
        for field in reversed(SNIPPET_PARTS.values()):
            text = f"trial.{Trial._meta.get_field(field).column}"
            headline = f"(SELECT ts_headline(%(config)s::regconfig, {text}, words.query, %(options)s) h OFFSET 0)"
            first = f"(SELECT CASE WHEN strpos(h, %(mark)s) > 0 THEN h ELSE {first} END FROM {headline} part)"
        sql = (
            f"SELECT trial.id, {first} FROM {Trial._meta.db_table} trial, "
            "websearch_to_tsquery(%(config)s::regconfig, %(words)s) words(query) WHERE trial.id = ANY(%(ids)s)"
        )
        options = ", ".join(database.ops.compose_sql(f"{name}=%s", [value]) for name, value in HEADLINE_OPTIONS.items())
        params = {"config": self.config, "options": options, "mark": MARK_START, "words": query.to_websearch()}
        params["ids"] = list(trial_ids)
        with database.cursor() as cursor:
            cursor.execute(sql, params)
            return {pk: snippet or "" for pk, snippet in cursor.fetchall()}


class SqliteBackend:
    """FTS5 with bm25 (bounded by RANK_LIMIT like PostgreSQL's ranking, so both list the same trials)."""

    table = "trials_search_fts"
    columns = list(Document.WEIGHTS)

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")

    def write(self, documents, removed=()):
        names = ", ".join(self.columns)
        marks = ", ".join(["%s"] * len(self.columns))
        rows = [[pk] + [text for _, text in doc.parts()] for pk, doc in documents.items()]
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {self.table} WHERE rowid = %s", [[pk] for pk in removed])
            cursor.executemany(f"INSERT INTO {self.table} (rowid, {names}) VALUES (%s, {marks})", rows)

    def planned_with_values(self):
        """SQLite plans every statement with its values."""
        return nullcontext()

    def match(self, entries, query):
        return entries.filter(text__query__match=query.to_fts5())

    def id_list(self, ids):
        """For `pk__in`: a list of ids as one JSON parameter (Django prepared 2,000 ids one by one: ~5 ms)."""
        return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(list(ids)),))

    def in_buckets(self, entries, start, stop):
        """The entries in sample buckets start to stop - 1. Matching words, the bucket is read from the FTS5 rowid
        (the trial id) before the entry is joined: 5 ms instead of 51 for one bucket of a word in 70,000 of 100,000
        trials, as SQLite otherwise walks the bucket index and looks each trial up in FTS5 (bench/search_bench.py)."""
        if self.table in {join.table_name for join in entries.query.alias_map.values()}:
            bucket = F("text__entry_id") % SearchEntry.SAMPLE_BUCKETS
            return entries.alias(fts_bucket=bucket).filter(fts_bucket__gte=start, fts_bucket__lt=stop)
        return entries.filter(bucket__gte=start, bucket__lt=stop)

    def by_relevance(self, entries, query, candidates=None):
        """The entries best first (bm25 needs the text match in the same query: the candidates narrow it).

        The candidates are checked against each match's FTS5 rowid before its entry is joined, and as `rowid + 0`:
        given the rowid itself, FTS5 would run the whole query again for each candidate (seconds for 1,000). A word in
        70% of 100,000 trials, 1,000 candidates: 38 -> 17 ms of CPU (bench/search_bench.py; tests/test_search_same.py
        guards the order)."""
        if candidates is None:
            candidates = entries.order_by("-last_update", "-pk").values("pk")[:RANK_LIMIT]
        else:
            candidates = self.id_list(candidates)
        matched = entries.alias(fts_id=F("text__entry_id") + 0).filter(fts_id__in=candidates)
        return _best_first(matched, LessThan(F("text__rank"), 0), "text__rank")

    def snippets(self, trial_ids, query):
        if not trial_ids:
            return {}
        cuts = ", ".join(
            f"snippet({self.table}, {self.columns.index(part)}, %s, %s, ' … ', 24)" for part in SNIPPET_PARTS
        )
        ids = ", ".join(["%s"] * len(trial_ids))
        sql = f"SELECT rowid, {cuts} FROM {self.table} WHERE {self.table} MATCH %s AND rowid IN ({ids})"
        params = [MARK_START, MARK_END] * len(SNIPPET_PARTS) + [query.to_fts5(), *trial_ids]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {pk: _first_marked(texts) for pk, *texts in cursor.fetchall()}


def _best_first(entries, about, rank_order):
    """Best match's order: trials about the words (found in more than the description or criteria), then those
    open to people (recruiting, or soon), then the rest, withdrawn last (they never enrolled anyone); then the
    database's rank, then the most recently updated. (Lookups, not Case/When, which would turn FTS5's join into
    an outer join that MATCH cannot use.)"""
    is_open, withdrawn = In(F("status"), OPEN), Exact(F("status"), Status.WITHDRAWN)
    return entries.alias(about=about, is_open=is_open, withdrawn=withdrawn).order_by(
        F("about").desc(), F("is_open").desc(), "withdrawn", rank_order, "-last_update", "pk"
    )


def _first_marked(texts):
    """The first snippet that shows a matching word, or "" (the match was in a title or a list)."""
    return next((text for text in texts if text and MARK_START in text), "")


def backend():
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()
