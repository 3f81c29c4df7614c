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

# In 0007's list of statements: the functions of the member update and delete triggers, each
# with the rows it rewrites locked first. An update locks only the members whose facts changed
# (the rows it rewrites), so a bulk update of other columns still leaves the copy alone.
_UPDATE, _DELETE = "members_facts_member_update(", "members_facts_member_delete("
LOCKS = {
    _UPDATE: f"""
    PERFORM 1 FROM members_searchfacts WHERE member_id IN (
        SELECT o.id FROM old_rows o LEFT JOIN new_rows n ON n.id = o.id
        WHERE n.id IS NULL OR {search_facts._changed("o", "n")}
    ) ORDER BY member_id FOR UPDATE;
""",
    _DELETE: """
    PERFORM 1 FROM members_searchfacts WHERE member_id IN (SELECT id FROM old_rows)
        ORDER BY member_id FOR UPDATE;
""",
}
MEMBER_FUNCTIONS = {
    name: sql
    for sql in search_facts.CREATE
    for name in LOCKS
    if sql.strip().startswith(f"CREATE FUNCTION {name}")
}
assert len(MEMBER_FUNCTIONS) == 2, "0007's trigger functions are not where this migration expects them"


def _replaced(sql, lock=""):
    return sql.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1).replace(
        "BEGIN\n", "BEGIN\n" + lock, 1
    )


def run(with_locks):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for name, sql in MEMBER_FUNCTIONS.items():
                schema_editor.execute(_replaced(sql, LOCKS[name] if with_locks else ""))

    return apply


class Migration(migrations.Migration):
    dependencies = [("members", "0008_competence_totals")]

    operations = [migrations.RunPython(run(with_locks=True), run(with_locks=False))]
