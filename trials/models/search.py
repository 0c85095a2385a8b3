"""The search tables: one narrow row per published trial, its text index, and the index's version."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from trials import choices

from .shared import Sponsor


class SearchEntry(models.Model):
    """What search reads of a trial, in one narrow row (written by trials.search.index, never edited).

    Search filters, counts and sorts over many thousands of matches at once; reading these
    small rows instead of the wide Trial rows keeps that fast. The text itself is indexed
    by the database: a weighted tsvector in `document` on PostgreSQL, an FTS5 table on SQLite.
    """

    trial = models.OneToOneField("Trial", on_delete=models.CASCADE, primary_key=True, related_name="search_entry")
    status = models.CharField(max_length=30, choices=choices.Status, db_index=True)
    phase = models.CharField(max_length=15, choices=choices.Phase, blank=True, db_index=True)
    study_type = models.CharField(max_length=20, choices=choices.StudyType, db_index=True)
    lead_sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="+")
    sponsor_class = models.CharField(max_length=20, choices=choices.AgencyClass, db_index=True)
    has_results = models.BooleanField(default=False)
    sex = models.CharField(max_length=6, choices=choices.Sex, blank=True)
    healthy_volunteers = models.BooleanField(null=True)
    minimum_age_years = models.FloatField(null=True)
    maximum_age_years = models.FloatField(null=True)
    start_date = models.DateField(null=True, db_index=True)
    last_update = models.DateField(null=True, db_index=True)
    enrollment = models.PositiveIntegerField(null=True, db_index=True)
    title = models.CharField(max_length=500, db_index=True, help_text="Brief title, lower-cased: the A–Z order.")
    document = SearchVectorField(null=True)
    # The document's title-to-summary parts alone (weights A-C), which are all that best match weighs: ranking
    # reads this instead of the whole document (trials/search/backends.py).
    head = SearchVectorField(null=True)
    bucket = models.PositiveSmallIntegerField(
        default=0, help_text="Trial id mod SAMPLE_BUCKETS: estimates count the matches of a few buckets."
    )

    SAMPLE_BUCKETS = 64  # trials/search/sample.py reads 1/64 to all of them

    class Meta:
        # What a search reads of each entry it counts (trials/search/facets.py), so that a sample is read from
        # the index alone: 42 -> 6 ms for the top conditions of a filters-only search at 100,000 trials on SQLite
        # (bench/search_bench.py; tests/test_search_same.py guards the results). SQLite also has these columns led
        # by the trial (migration 0016).
        indexes = [
            models.Index(
                fields=[
                    "bucket",
                    "status",
                    "phase",
                    "study_type",
                    "sponsor_class",
                    "has_results",
                    "last_update",
                    "trial",
                ],
                name="searchentry_sample",
            )
        ]

    def __str__(self):
        return f"search entry of trial {self.trial_id}"


class IndexVersion(models.Model):
    """One row: a number every change to the search index raises (trials.search.index).

    Figures cached from the index carry it in their cache keys (trials.search.cached), so
    every process, whatever its cache, stops using figures counted before an import or a
    publication, and a read replica's figures match the data it has replayed.
    """

    number = models.BigIntegerField(default=0)

    def __str__(self):
        return f"search index version {self.number}"


class FtsQueryField(models.TextField):
    """The hidden column an SQLite FTS5 table has under its own name; `__match` runs a full-text query."""


@FtsQueryField.register_lookup
class FtsMatch(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class SearchText(models.Model):
    """SQLite only: the FTS5 table of the search text, one row per SearchEntry (rowid = trial id).

    Created by a migration on SQLite alone and written by trials.search.backends; this
    model only lets querysets join it, match it and order by its bm25 `rank`.
    """

    entry = models.OneToOneField(
        SearchEntry,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        related_name="text",
    )
    query = FtsQueryField(db_column="trials_search_fts")
    rank = models.FloatField()

    class Meta:
        managed = False
        db_table = "trials_search_fts"

    def __str__(self):
        return f"search text of trial {self.entry_id}"
