"""Indexes that give a directory page's ids without reading the members it skips.

A page is chosen first as ids (`members.models.CardPages`): `SELECT id FROM members_member WHERE
is_published [AND category …] ORDER BY <the sort's columns>, name_key OFFSET n LIMIT 24`, and
only then are the 24 cards read. Each index below holds one order of `filters.SORTS` with the id
(and, for the three date orders, the category) kept in the index (`INCLUDE`, PostgreSQL only),
so PostgreSQL answers that query by an index-only scan: at page 2,000 it steps over 48,000
entries of about 80 bytes instead of 48,000 member rows of about 1.8 kB (bench/README.md).
The two name indexes replace those of migrations 0001 and 0006 (the same keys, now with the id,
and the first now partial like the second); the three date orders had no index, so each of their
pages, the first too, sorted every published member's row.
On SQLite the name indexes are made without the included columns, and the date orders' not at
all.
"""

from django.db import migrations, models

# (name, the order of filters.SORTS it serves). SQLite accepts no NULLS LAST in an index, and
# development databases are small: PostgreSQL only, outside Django's model state.
DATE_ORDERS = [
    ("members_pub_newest_idx", "member_since DESC NULLS LAST"),  # sort=newest
    ("members_pub_oldest_idx", "founded ASC NULLS LAST"),  # sort=oldest-founded
    ("members_pub_youngest_idx", "founded DESC NULLS LAST"),  # sort=youngest-founded
]
CREATE = [
    f"CREATE INDEX {name} ON members_member ({order}, name_key) INCLUDE (id, category) WHERE is_published"
    for name, order in DATE_ORDERS
]
DROP = [f"DROP INDEX IF EXISTS {name}" for name, _order in DATE_ORDERS]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


def no_statement_timeout(apps, schema_editor):
    """Indexing 100,000 members may outlast the request timeout (DB_STATEMENT_TIMEOUT_MS), which
    applies to migrations too; LOCAL: for this migration's transaction (every operation below)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL statement_timeout = 0")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0009_search_facts_lock_order"),
    ]

    operations = [
        migrations.RunPython(no_statement_timeout, no_statement_timeout),
        migrations.RemoveIndex(
            model_name="member",
            name="members_pub_name_idx",
        ),
        migrations.RemoveIndex(
            model_name="member",
            name="members_pub_cat_name_idx",
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                condition=models.Q(("is_published", True)),
                fields=["name_key"],
                include=("id",),
                name="members_pub_name_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                condition=models.Q(("is_published", True)),
                fields=["category", "name_key"],
                include=("id",),
                name="members_pub_cat_name_idx",
            ),
        ),
        migrations.RunPython(run(CREATE), run(DROP)),
    ]
