import django.contrib.postgres.search
from django.db import migrations

# Best match weighs only the parts of a trial's text weighted A to C (title to summary: RANK_WEIGHTS in
# trials/search/backends.py gives D, the description and criteria, 0). Those parts come first in the document, so
# ts_filter keeps their positions as they are and ts_rank gives the same rank from `head` as from `document`, reading
# about a third of it (tests/test_search_same.py).
FILL = "UPDATE trials_searchentry SET head = ts_filter(document, '{a,b,c}')"


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL)


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0016_search_covering_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="head",
            field=django.contrib.postgres.search.SearchVectorField(null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
