# RelatedTrial keeps why two trials are related as a kind (choices) and a value, not an English sentence,
# and the score that ranked it (so a change can put a trial into others' lists without rebuilding them).
# Stored reasons are split; their scores were not kept (0 until `manage.py rebuild_related` or the next import).

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
                default="word",
                max_length=12,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="relatedtrial",
            name="reason_value",
            field=models.CharField(default="", max_length=300),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="relatedtrial",
            name="score",
            field=models.PositiveSmallIntegerField(default=0, help_text="What the two share, weighed (trials.related)."),
            preserve_default=False,
        ),
        migrations.RunPython(split_reasons, migrations.RunPython.noop),
        migrations.RemoveField(model_name="relatedtrial", name="reason"),
    ]
