"""PostgreSQL only: a trigram index on Member.search_text.

It serves `MemberQuerySet.search()`, which becomes `search_text LIKE '%word%'` once per word;
pg_trgm's GIN operator class answers such unanchored LIKE patterns from the index instead of
scanning 100,000 rows. SQLite has no equivalent and does not need one at its scale, so the
migration does nothing there (and the index is not in the model state, which keeps
`makemigrations --check` clean on both databases).
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS members_search_text_trgm ON members_member USING gin (search_text gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS members_search_text_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(run(CREATE), run(DROP))]
