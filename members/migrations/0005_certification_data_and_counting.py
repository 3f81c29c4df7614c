"""The certification list (members.reference_data) and the counting tables with the new dimension."""

from django.db import migrations

from members import counting
from members.reference_data import ensure_reference_data


def load(apps, schema_editor):
    ensure_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("members", "0004_certifications")]
    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(counting.install, counting.uninstall),
    ]
