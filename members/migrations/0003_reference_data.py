"""Load the curated reference data: the competence taxonomy and the Bucharest–Ilfov gazetteer.

The data lives in `members.reference_data`; `ensure_reference_data` upserts it by slug, so this
migration is safe on a database that already has some of it. Historical models do not run
`Locality.save()`'s slug fill, which is why the data carries its slugs. Reversing keeps the rows
(members may already point at them).
"""

from django.db import migrations

from members.reference_data import ensure_reference_data


def load(apps, schema_editor):
    ensure_reference_data(
        apps.get_model("members", "CompetenceGroup"),
        apps.get_model("members", "Competence"),
        apps.get_model("members", "Locality"),
    )


class Migration(migrations.Migration):
    dependencies = [("members", "0002_postgres_search_index")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
