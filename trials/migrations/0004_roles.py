"""The staff roles: groups with the permissions each needs (users and groups themselves stay with superusers).

- Trial readers: see everything in the admin, change nothing.
- Trial editors: add and edit trials with all their related rows, and submit them for review.
- Trial reviewers: what editors do, plus publish and unpublish, delete trials, and merge
  duplicate sponsors and investigators (a merge deletes the duplicate).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RECORD_ROWS = [
    "collaboration",
    "trialcondition",
    "keyword",
    "armgroup",
    "intervention",
    "interventionarm",
    "outcome",
    "eligibilitycriterion",
    "official",
    "centralcontact",
    "location",
    "locationcontact",
    "secondaryidentifier",
    "reference",
]
SHARED_ROWS = ["sponsor", "condition", "investigator"]
READABLE = ["trial", "historicaltrial", *RECORD_ROWS, *SHARED_ROWS]

READERS = [f"view_{model}" for model in READABLE]
EDITORS = [
    *READERS,
    "add_trial",
    "change_trial",
    *(f"{action}_{model}" for model in RECORD_ROWS for action in ("add", "change", "delete")),
    *(f"{action}_{model}" for model in SHARED_ROWS for action in ("add", "change")),
]
REVIEWERS = [*EDITORS, "publish_trial", "delete_trial", "delete_sponsor", "delete_investigator"]
ROLES = {"Trial readers": READERS, "Trial editors": EDITORS, "Trial reviewers": REVIEWERS}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations have run: create the trials app's now.
    trials = apps.get_app_config("trials")
    trials.models_module = True
    create_permissions(trials, apps=apps, verbosity=0)
    trials.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        permissions = Permission.objects.filter(content_type__app_label="trials", codename__in=codenames)
        assert permissions.count() == len(set(codenames)), f"{name}: missing permissions"
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("trials", "0003_workflow_and_history"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
