from django.db import migrations, models


def fill(apps, schema_editor):
    """Stored trials' votes and their conditions' terms (trials.mesh states the rule), in one pass; then counts
    cached under the index's version are made stale (the facets group conditions by their terms)."""
    from trials import mesh

    model = apps.get_model
    mesh.rebuild(model("trials", "Trial"), model("trials", "TrialCondition"), model("trials", "Condition"))
    model("trials", "IndexVersion").objects.filter(pk=1).update(number=models.F("number") + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0013_search_rank_weights"),
    ]

    operations = [
        migrations.AddField(
            model_name="condition",
            name="mesh_term",
            field=models.CharField(
                blank=True, db_index=True, editable=False, max_length=300, null=True, verbose_name="MeSH term"
            ),
        ),
        migrations.AddField(
            model_name="trialcondition",
            name="mesh_term",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=300, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
