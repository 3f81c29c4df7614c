"""Indexes for the directory's facets and competence filter at 100,000 members.

- `members_facets_idx` (portable, in Member.Meta): see the comment there.
- PostgreSQL only: (competence_id, member_id) on the member–competence link table. It serves the
  competence filter, `member.id IN (SELECT member_id ... WHERE competence_id IN (...))`, from the
  index alone. The link table is Django's automatic M2M table, so the index cannot be declared
  in a model's Meta; like migration 0002 it is created only on PostgreSQL and stays out of the
  model state, which keeps `makemigrations --check` clean on both databases.
"""

from django.db import migrations, models

CREATE = [
    "CREATE INDEX IF NOT EXISTS members_competence_member_idx "
    "ON members_member_competences (competence_id, member_id)",
]
DROP = ["DROP INDEX IF EXISTS members_competence_member_idx"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("members", "0004_manager_import_batch")]

    operations = [
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                condition=models.Q(("is_published", True)),
                fields=["category", "size", "locality", "offers_subcontracting", "seeks_partners", "id"],
                name="members_facets_idx",
            ),
        ),
        migrations.RunPython(run(CREATE), run(DROP)),
    ]
