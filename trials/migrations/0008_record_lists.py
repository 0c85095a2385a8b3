"""The trials_record_lists view: each trial's short lists as JSON arrays, one row per trial (RecordLists).

A record page reads its trial and these lists in one query (Trial.objects.for_section). The view is
computed on every read, so it is never out of date. The two databases name their JSON functions
differently; the SQL is otherwise the same.

On SQLite, a later migration that rebuilds one of the tables read here (SQLite alters a column by
copying its table) may need to drop the view first and create it again afterwards.
"""

from django.db import migrations, models

LISTS = {  # column: (rows it aggregates, {field: SQL value, or a joined row's field: its own {field: SQL value}})
    "conditions": (
        "trials_trialcondition x JOIN trials_condition c ON c.id = x.condition_id WHERE x.trial_id = t.id",
        {"id": "x.id", "position": "x.position", "condition": {"id": "c.id", "name": "c.name", "slug": "c.slug"}},
    ),
    "keywords": (
        "trials_keyword x WHERE x.trial_id = t.id",
        {"id": "x.id", "position": "x.position", "term": "x.term"},
    ),
    "outcomes": (
        "trials_outcome x WHERE x.trial_id = t.id",
        {
            "id": "x.id",
            "position": "x.position",
            "kind": "x.kind",
            "measure": "x.measure",
            "description": "x.description",
            "time_frame": "x.time_frame",
        },
    ),
    "references": (
        "trials_reference x WHERE x.trial_id = t.id",
        {"id": "x.id", "position": "x.position", "pmid": "x.pmid", "type": "x.type", "citation": "x.citation"},
    ),
    "related": (  # only links to published trials, with what a related trial's line shows
        "trials_relatedtrial x JOIN trials_trial r ON r.id = x.related_id"
        " WHERE x.trial_id = t.id AND r.publication = 'PUBLISHED'",
        {
            "id": "x.id",
            "position": "x.position",
            "reason": "x.reason",
            "related": {
                "id": "r.id",
                "nct_id": "r.nct_id",
                "brief_title": "r.brief_title",
                "overall_status": "r.overall_status",
                "phase": "r.phase",
            },
        },
    ),
}
JSON_FUNCTIONS = {  # vendor: (array aggregate, object)
    "postgresql": ("jsonb_agg", "jsonb_build_object"),
    "sqlite": ("json_group_array", "json_object"),
}


def create_view(apps, schema_editor):
    aggregate, build = JSON_FUNCTIONS[schema_editor.connection.vendor]

    def json_object(keys):
        pairs = (f"'{key}', {json_object(value) if isinstance(value, dict) else value}" for key, value in keys.items())
        return f"{build}({', '.join(pairs)})"

    columns = [f'(SELECT {aggregate}({json_object(keys)}) FROM {rows}) AS "{name}"' for name, (rows, keys) in LISTS.items()]
    schema_editor.execute(f"CREATE VIEW trials_record_lists AS SELECT t.id AS trial_id, {', '.join(columns)} FROM trials_trial t")


def drop_view(apps, schema_editor):
    schema_editor.execute("DROP VIEW trials_record_lists")


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0007_trial_nct_id_index"),
    ]

    operations = [
        migrations.RunPython(create_view, drop_view),
        migrations.CreateModel(
            name="RecordLists",
            fields=[
                (
                    "trial",
                    models.OneToOneField(
                        db_column="trial_id",
                        on_delete=models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="lists",
                        serialize=False,
                        to="trials.trial",
                    ),
                ),
                ("conditions", models.JSONField(null=True)),
                ("keywords", models.JSONField(null=True)),
                ("outcomes", models.JSONField(null=True)),
                ("references", models.JSONField(null=True)),
                ("related", models.JSONField(null=True)),
            ],
            options={"db_table": "trials_record_lists", "managed": False},
        ),
    ]
