"""The Admins group: people and roles, the audit trail, read-only interview history."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN_PERMS = [
    ("auth", "add_user"), ("auth", "change_user"), ("auth", "view_user"),
    ("auth", "view_group"),
    ("people", "view_auditevent"),
    ("interviews", "view_candidate"), ("interviews", "delete_candidate"),
    ("interviews", "view_interview"), ("interviews", "view_kit"),
    ("interviews", "view_loop"), ("interviews", "view_loopstage"),
]


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Admins")
    group.permissions.set([
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in ADMIN_PERMS
    ])
    # Superusers hold the admin role, so the People page lists who administers.
    User = apps.get_model("auth", "User")
    for user in User.objects.filter(is_superuser=True):
        user.groups.add(group)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Admins").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_audit_events"),
        ("interviews", "0006_loops_for_existing_interviews"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
