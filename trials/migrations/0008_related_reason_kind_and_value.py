# RelatedTrial keeps why two trials are related as a kind (choices) and a value, not an English sentence,
# and the score that ranked it (so a change can put a trial into others' lists without rebuilding them).
# Stored reasons are split; their scores were not kept (0 until `manage.py rebuild_related` or the next import).
# Expand only: the old column stays, and the new ones have database defaults, so the previous release's servers
# (which read and write `reason` alone) keep working beside this one's during a rolling deploy.

from django.db import migrations, models


KINDS = {"same condition": "condition", "same intervention": "intervention", "similar title": "word"}


def split_reasons(apps, schema_editor):
    RelatedTrial = apps.get_model("trials", "RelatedTrial")
    links = list(RelatedTrial.objects.all())
    for link in links:
        phrase, _, link.reason_value = link.reason.partition(": ")
        link.reason_kind = KINDS.get(phrase, "word")
    RelatedTrial.objects.bulk_update(links, ["reason_kind", "reason_value"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("trials", "0007_trial_nct_id_index")]

    operations = [
        migrations.AddField(
            model_name="relatedtrial",
            name="reason_kind",
            field=models.CharField(
                choices=[
                    ("condition", "same condition: %(value)s"),
                    ("intervention", "same intervention: %(value)s"),
                    ("word", "similar title: %(value)s"),
                ],
                db_default="word",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="relatedtrial",
            name="reason_value",
            field=models.CharField(db_default="", max_length=300),
        ),
        migrations.AddField(
            model_name="relatedtrial",
            name="score",
            field=models.PositiveSmallIntegerField(
                db_default=0, help_text="What the two share, weighed (trials.related)."
            ),
        ),
        migrations.RunPython(split_reasons, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="relatedtrial",
            name="reason",
            field=models.CharField(db_default="", editable=False, max_length=300),
        ),
    ]
