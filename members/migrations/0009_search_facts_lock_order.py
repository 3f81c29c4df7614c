"""The search copy's member triggers lock its rows in member order first (PostgreSQL only).

The link triggers of migration 0007 lock the `members_searchfacts` rows they rewrite in member
order; the member update and delete triggers did not: they rewrote the rows in whatever order
their join produced. A statement updating members 1 and 2 and a concurrent one changing those
members' competences could then each hold one row and wait for the other: a deadlock, which
PostgreSQL ends by failing one of the two (an import, or a save in the admin). Taking the locks in
member order first makes the second statement wait for the first instead.
"""

import importlib

from django.db import migrations

search_facts = importlib.import_module("members.migrations.0007_search_facts")

# In 0007's list of statements: the functions of the member update and delete triggers.
MEMBER_FUNCTIONS = [
    sql
    for sql in search_facts.CREATE
    if sql.strip().startswith(
        ("CREATE FUNCTION members_facts_member_update(", "CREATE FUNCTION members_facts_member_delete(")
    )
]
assert len(MEMBER_FUNCTIONS) == 2, "0007's trigger functions are not where this migration expects them"
LOCK_IN_MEMBER_ORDER = """
    PERFORM 1 FROM members_searchfacts WHERE member_id IN (SELECT id FROM old_rows)
        ORDER BY member_id FOR UPDATE;
"""


def _replaced(sql, lock=""):
    return sql.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1).replace(
        "BEGIN\n", "BEGIN\n" + lock, 1
    )


def run(lock):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in MEMBER_FUNCTIONS:
                schema_editor.execute(_replaced(sql, lock))

    return apply


class Migration(migrations.Migration):
    dependencies = [("members", "0008_competence_totals")]

    operations = [migrations.RunPython(run(LOCK_IN_MEMBER_ORDER), run(""))]
