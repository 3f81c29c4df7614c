"""Competence names as the native editor corrected them (issue 19): "Viziune artificială pentru
inspecție", "Sisteme înglobate (embedded)", "Proiectare de cablaje imprimate (PCB)" and the group
"Electronică și sisteme înglobate". Rows are matched on their slugs, so members keep their
competences; the old names stay searchable as keywords (members.reference_data).

And an index on the facts for the newest members (members.counting.NEWEST_INDEX): the home page
lists them, the directory sorts by it. A database built from scratch has it already (migration
0003 installs the counting tables with today's statements); one migrated earlier gets it here."""

from django.db import migrations

from members.counting import FACTS, NEWEST_INDEX
from members.reference_data import ensure_reference_data


def load(apps, schema_editor):
    ensure_reference_data(apps)


def add_newest_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":  # on SQLite the facts are a view
        schema_editor.execute(NEWEST_INDEX)


def drop_newest_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {FACTS}_newest")


class Migration(migrations.Migration):
    dependencies = [("members", "0009_logo_thumbnails")]
    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(add_newest_index, drop_newest_index),
    ]
