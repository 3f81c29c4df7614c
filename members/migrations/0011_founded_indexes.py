"""Indexes on the facts for the directory's two "founded" sorts (members.counting.FOUNDED_INDEXES).
A database built from scratch has them already (migration 0003 installs the counting tables with
today's statements); one migrated earlier gets them here."""

from django.db import migrations

from members.counting import FACTS, FOUNDED_INDEXES


def add_founded_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":  # on SQLite the facts are a view
        for statement in FOUNDED_INDEXES:
            schema_editor.execute(statement)


def drop_founded_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in ("oldest_founded", "youngest_founded"):
            schema_editor.execute(f"DROP INDEX IF EXISTS {FACTS}_{name}")


class Migration(migrations.Migration):
    dependencies = [("members", "0010_competence_names_corrected")]
    operations = [migrations.RunPython(add_founded_indexes, drop_founded_indexes)]
