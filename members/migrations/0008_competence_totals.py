"""Published members per competence, kept by PostgreSQL itself (PostgreSQL only).

Every unfiltered directory page (and every page filtered only by competence) shows, beside each
competence, how many published members hold it. Summed from the competence facet cells of
migration 0006, that read about 26,000 rows per page at 100,000 members for a few dozen numbers.
`members_competencetotal` holds those numbers: one row per competence.

Like the facet cells it is not a cache: statement-level triggers with transition tables on the
members and their competence links update it in the same transaction as every change, so it is
exact on the very next request and a rollback undoes both. Each trigger is one upsert of the
statement's net change per competence, in competence order, so concurrent transactions queue on
a row instead of deadlocking; a change that nets to zero (a save that leaves a member published)
touches no row. A TRUNCATE of the links (with the members or alone: Django's test flush) empties it.
The model `CompetenceTotal` is unmanaged: Django only reads it, in `members.facets`. On SQLite
(development) the table does not exist and the counts come from the member rows.

Within one statement the locks are taken in competence order; across the statements of one
transaction they are not. Django's `competences.set()` deletes the removed links, then inserts the
added ones: two admins swapping two members' competences at the same moment (X from 1 to 2, Y from
2 to 1) can each hold one total and wait for the other, and PostgreSQL fails one save, which the
manager sees as "try again" (a 503). A long import holds the totals it touched until it commits, so
a competence edit in the admin meanwhile waits for it. The facet cells of 0006 share this, for
members in the same cell. The fix, if it ever matters: append-only deltas, summed when read.
The copies also rely on the app writing (and so locking) a member's row before changing its
links in the same transaction, as the admin, the import and a history revert do: a competence
change racing a publish of the same member in another transaction could otherwise miss it.
"""

from django.db import migrations, models


def _upsert(changes):
    """SQL adding `changes` (rows: competence_id, d) to the totals, netted per competence."""
    return f"""
    INSERT INTO members_competencetotal AS total (competence_id, n)
    SELECT competence_id, SUM(d) FROM ({changes}) AS changes
    GROUP BY competence_id HAVING SUM(d) <> 0 ORDER BY competence_id
    ON CONFLICT (competence_id) DO UPDATE SET n = total.n + EXCLUDED.n;
    """


def _published(table, sign):
    """Rows (id, d) for the published members of `table`, a transition table."""
    return f"SELECT id, {sign} AS d FROM {table} WHERE is_published"


def _members(rows):
    """`rows` (id, d) spread over each member's current competence links."""
    return (
        f"SELECT link.competence_id, m.d FROM ({rows}) AS m"
        " JOIN members_member_competences link ON link.member_id = m.id"
    )


def _links(table, sign):
    """Links of `table` (a transition table) whose member is published."""
    return (
        f"SELECT link.competence_id, {sign} AS d FROM {table} link"
        " JOIN members_member m ON m.id = link.member_id WHERE m.is_published"
    )


def _function(name, body):
    return f"""
    CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
    {body}
    RETURN NULL;
    END $$;
    """


CREATE = [
    "CREATE TABLE members_competencetotal (competence_id bigint PRIMARY KEY, n integer NOT NULL)",
    _function("members_totals_member_insert", _upsert(_members(_published("new_rows", 1)))),
    # Only the members published or unpublished (a net change) are joined to their links, so a
    # bulk update of other columns (rebuild_search_text) costs no join over 265,000 links.
    _function(
        "members_totals_member_update",
        _upsert(
            _members(
                f"SELECT id, SUM(d) AS d FROM ({_published('old_rows', -1)} UNION ALL"
                f" {_published('new_rows', 1)}) AS rows GROUP BY id HAVING SUM(d) <> 0"
            )
        ),
    ),
    _function("members_totals_member_delete", _upsert(_members(_published("old_rows", -1)))),
    _function("members_totals_link_insert", _upsert(_links("new_links", 1))),
    _function(
        "members_totals_link_update",
        _upsert(f"{_links('old_links', -1)} UNION ALL {_links('new_links', 1)}"),
    ),
    _function("members_totals_link_delete", _upsert(_links("old_links", -1))),
    # A TRUNCATE of the members must truncate their links too (a foreign key): this covers both.
    _function("members_totals_truncate", "DELETE FROM members_competencetotal;"),
    """
    CREATE TRIGGER members_totals_member_insert AFTER INSERT ON members_member
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_totals_member_insert();
    CREATE TRIGGER members_totals_member_update AFTER UPDATE ON members_member
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION members_totals_member_update();
    CREATE TRIGGER members_totals_member_delete AFTER DELETE ON members_member
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION members_totals_member_delete();
    CREATE TRIGGER members_totals_link_insert AFTER INSERT ON members_member_competences
        REFERENCING NEW TABLE AS new_links FOR EACH STATEMENT EXECUTE FUNCTION members_totals_link_insert();
    CREATE TRIGGER members_totals_link_update AFTER UPDATE ON members_member_competences
        REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links
        FOR EACH STATEMENT EXECUTE FUNCTION members_totals_link_update();
    CREATE TRIGGER members_totals_link_delete AFTER DELETE ON members_member_competences
        REFERENCING OLD TABLE AS old_links FOR EACH STATEMENT EXECUTE FUNCTION members_totals_link_delete();
    CREATE TRIGGER members_totals_link_truncate AFTER TRUNCATE ON members_member_competences
        FOR EACH STATEMENT EXECUTE FUNCTION members_totals_truncate();
    """,
    # The members already there.
    _upsert(_links("members_member_competences", 1)),
]

DROP = [
    "DROP TRIGGER IF EXISTS members_totals_member_insert ON members_member;"
    " DROP TRIGGER IF EXISTS members_totals_member_update ON members_member;"
    " DROP TRIGGER IF EXISTS members_totals_member_delete ON members_member;"
    " DROP TRIGGER IF EXISTS members_totals_link_insert ON members_member_competences;"
    " DROP TRIGGER IF EXISTS members_totals_link_update ON members_member_competences;"
    " DROP TRIGGER IF EXISTS members_totals_link_delete ON members_member_competences;"
    " DROP TRIGGER IF EXISTS members_totals_link_truncate ON members_member_competences;",
    "DROP FUNCTION IF EXISTS members_totals_member_insert, members_totals_member_update,"
    " members_totals_member_delete, members_totals_link_insert, members_totals_link_update,"
    " members_totals_link_delete, members_totals_truncate",
    "DROP TABLE IF EXISTS members_competencetotal",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # Counting 265,000 links at 100,000 members may outlast the request timeout
            # (DB_STATEMENT_TIMEOUT_MS); LOCAL: for this migration's transaction only.
            schema_editor.execute("SET LOCAL statement_timeout = 0")
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("members", "0007_search_facts")]

    operations = [
        migrations.CreateModel(
            name="CompetenceTotal",
            fields=[
                (
                    "competence",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="members.competence",
                    ),
                ),
                ("n", models.IntegerField()),
            ],
            options={"managed": False, "db_table": "members_competencetotal"},
        ),
        migrations.RunPython(run(CREATE), run(DROP)),
    ]
