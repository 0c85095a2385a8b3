from django.db import migrations, models

# Existing entries get their bucket here; trials.search.index writes it for every new one.
FILL = "UPDATE trials_searchentry SET bucket = trial_id % 64"


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0011_trial_related_stale"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="bucket",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="Trial id mod SAMPLE_BUCKETS: estimates count the matches of a few buckets."
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(fields=["bucket"], name="searchentry_bucket"),
        ),
    ]
