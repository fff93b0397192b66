"""Admins make, see and revoke API tokens in the admin (anyone's)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMS = ["add_apitoken", "change_apitoken", "view_apitoken"]


def forwards(apps, schema_editor):
    app_config = apps.get_app_config("api")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Admins")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="api", codename__in=PERMS)
    )


def backwards(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group").objects.filter(name="Admins").first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="api", codename__in=PERMS)
        )


class Migration(migrations.Migration):
    dependencies = [("api", "0001_api_tokens"), ("people", "0002_admins_group")]

    operations = [migrations.RunPython(forwards, backwards)]
