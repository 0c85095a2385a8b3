from django.db import migrations

# A sample of a search's matches is read a few buckets at a time (trials/search/sample.py). Through the one text
# index, each read built the word's whole list first: a word in 70% of 100,000 trials took 10 ms before the first
# row of bucket 0 was read, and five times that at 500,000. Each block of buckets (0, 1, 2-3, 4-7, ... 32-63) also
# gets its own text index, so a sample reads only its blocks' lists (bucket 0 of that word: 12.6 -> 5.7 ms).
# PostgreSQL only; SQLite reads a sample through the FTS5 rowid. The blocks are TEXT_BLOCKS in
# trials/search/backends.py, and must name the same expressions for the planner to use these indexes.
BLOCKS = [(0, 1), (1, 1), (2, 2), (4, 4), (8, 8), (16, 16), (32, 32)]  # (first bucket, width)


def blocks(create):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for first, width in BLOCKS:
            name = f"searchentry_text_{first}"
            if create:
                schema_editor.execute(
                    f"CREATE INDEX {name} ON trials_searchentry USING gin (document) "
                    f"WHERE (bucket / {width}) = {first // width}"
                )
            else:
                schema_editor.execute(f"DROP INDEX {name}")

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0017_searchentry_head"),
    ]

    operations = [migrations.RunPython(blocks(create=True), blocks(create=False))]
