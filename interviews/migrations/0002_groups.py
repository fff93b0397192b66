"""The Interviewers and Hiring managers groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

INTERVIEWER_PERMS = [
    ("interviews", "add_candidate"), ("interviews", "change_candidate"),
    ("interviews", "view_candidate"),
    ("interviews", "add_interview"), ("interviews", "change_interview"),
    ("interviews", "view_interview"),
    ("interviews", "add_kit"), ("interviews", "change_kit"), ("interviews", "delete_kit"),
    ("interviews", "view_kit"),
    ("questionbank", "view_question"),
]
HIRING_MANAGER_PERMS = [
    ("interviews", "view_candidate"), ("interviews", "view_interview"),
    ("interviews", "view_all_interviews"), ("interviews", "view_kit"),
    ("questionbank", "view_question"),
]


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in (("Interviewers", INTERVIEWER_PERMS),
                        ("Hiring managers", HIRING_MANAGER_PERMS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in perms
        ])


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Interviewers", "Hiring managers"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0001_initial"),
        ("questionbank", "0002_defaults_and_curators"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
