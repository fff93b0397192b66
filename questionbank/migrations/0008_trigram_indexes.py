"""Trigram indexes for search and the likely-duplicate check, on PostgreSQL only.

- ``question_text_upper_trgm``: GIN over ``UPPER(text)`` with ``gin_trgm_ops``, the expression
  Django's ``icontains`` compares (``UPPER(text::text) LIKE UPPER('%word%')``), so the bank's,
  the composer's, the live page's and the admin's word search use it instead of a full scan.
- ``question_text_trgm``: GIN over ``text`` with ``gin_trgm_ops`` for the ``%`` similarity
  operator of the likely-duplicate check.

SQLite has no trigram index: there the same queries scan (slower, documented in
docs/scaling.md).
"""

from django.db import migrations

INDEXES = {
    "question_text_upper_trgm": "UPPER(text) gin_trgm_ops",
    "question_text_trgm": "text gin_trgm_ops",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON questionbank_question USING gin ({expression})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("questionbank", "0007_anchors_at_most_500")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
