"""Load the curated reference data: the competence taxonomy and the Bucharest–Ilfov gazetteer.

The data lives in `members.reference_data`; `ensure_reference_data` upserts it by slug, so this
migration is safe on a database that already has some of it. Reversing keeps the rows (members
may already point at them).
"""

from django.db import migrations

from members.reference_data import ensure_reference_data


def load(apps, schema_editor):
    ensure_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
