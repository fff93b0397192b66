"""The shared cache's table (settings: the database cache unless REDIS_URL/CACHE_URL names
Redis), made wherever the database is migrated so every app server finds it."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("questionbank", "0006_trigram_indexes")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
