from django.db import migrations

# Best match ranks a trial by where the words are (trials/search/backends.py): the description and the
# eligibility criteria still find a trial but add nothing to its rank, so a trial that mentions the words
# only there (say, cancer as an exclusion) ranks below every trial about them. PostgreSQL's weights are
# given with each query; SQLite's FTS5 keeps them in the table's rank setting.
RANK = "INSERT INTO trials_search_fts(trials_search_fts, rank) VALUES ('rank', 'bm25({})')"
WEIGHTS = "10.0, 10.0, 5.0, 3.0, 3.0, 0.0, 0.0"
WEIGHTS_BEFORE = "10.0, 10.0, 5.0, 3.0, 3.0, 1.0, 1.0"


def rank_setting(weights):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(RANK.format(weights))

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0012_searchentry_bucket"),
    ]

    operations = [
        migrations.RunPython(rank_setting(WEIGHTS), rank_setting(WEIGHTS_BEFORE)),
    ]
