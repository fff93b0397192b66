"""The shared cache's table, made wherever the database is migrated so every app server finds
it: the cache is this table unless REDIS_URL/CACHE_URL names Redis (settings), and it is made
even then, so dropping Redis later needs no other step."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "interviewkit_cache"  # settings.CACHES["default"]["LOCATION"] for the database cache


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


class Migration(migrations.Migration):
    dependencies = [("questionbank", "0008_trigram_indexes")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
