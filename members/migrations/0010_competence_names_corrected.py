"""Competence names as the native editor corrected them (issue 19): "Viziune artificială pentru
inspecție", "Sisteme înglobate (embedded)", "Proiectare de cablaje imprimate (PCB)" and the group
"Electronică și sisteme înglobate". Rows are matched on their slugs, so members keep their
competences; the old names stay searchable as keywords (members.reference_data)."""

from django.db import migrations

from members.reference_data import ensure_reference_data


def load(apps, schema_editor):
    ensure_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("members", "0009_logo_thumbnails")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
