"""The insert triggers look up the rows of their statement's members by id (PostgreSQL only).

The statement-level triggers of migrations 0006–0008 join their transition table (the rows a
statement inserted) to the members or to their competence links. PL/pgSQL plans each of those
queries once per connection and keeps the plan, made for the table sizes of that first call: a
bulk load that starts on an almost empty database (generate_members, an import) kept a hash or
merge join over every member or every link for all its later statements, so each batch of 2,000
members read all the members or links inserted before it: loading 99,856 members spent 10 s (of
83 s, on the 2026-11-28 machine) in the triggers of the link inserts alone, whose members did not
exist yet (they matched nothing), and 0.7 s with this migration.

Hash and merge joins are turned off inside these five functions only, so each row of the
transition table is looked up through the primary key or the member_id index (a nested loop): a
trigger then costs in proportion to the rows its statement inserted, whatever the size of the
tables. The queries are unchanged, so are their results. The update and delete triggers keep the
planner's choice: the search copy's update trigger joins two transition tables, which have no
index.
"""

from django.db import migrations

FUNCTIONS = [
    "members_cells_member_insert",  # 0006: the new members' rows joined to their links
    "members_cells_link_insert",  # 0006: the new links joined to their members
    "members_facts_link_insert",  # 0007: the search copy rows of the new links' members
    "members_totals_member_insert",  # 0008: the new members' rows joined to their links
    "members_totals_link_insert",  # 0008: the new links joined to their members
]


def run(by_id):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for name in FUNCTIONS:
                if by_id:
                    schema_editor.execute(
                        f"ALTER FUNCTION {name}() SET enable_hashjoin = off SET enable_mergejoin = off"
                    )
                else:
                    schema_editor.execute(f"ALTER FUNCTION {name}() RESET enable_hashjoin RESET enable_mergejoin")

    return apply


class Migration(migrations.Migration):
    dependencies = [("members", "0010_page_id_indexes")]

    operations = [migrations.RunPython(run(by_id=True), run(by_id=False))]
