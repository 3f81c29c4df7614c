"""A narrow copy of each published member for the facets of a search (PostgreSQL only).

A search for a common word ("automatizari" is in a common competence's name) matches about half
of 100,000 members, and its facets count those members' category, size, place, flags and
competences. Read from `members_member`, that is most of the table's 180 MB of wide rows (long
descriptions in two languages and the search text), more than `shared_buffers` holds, so every
search read them again from the operating system, twice (once more for the competence links).

`members_searchfacts` holds, per published member, only what those counts need: the facet
columns, the member's competence ids and the search document (the stripped tsvector of
`search_text`: its distinct words, no positions, which a prefix query does not use). About
100 MB, so it stays in PostgreSQL's buffers, and `members.facets.search_counts` counts every
dimension, competences included, in one pass over it without joining the 265,000 links.

Like the facet cells of migration 0006 it is not a cache: statement-level triggers on the members
and their competence links rewrite the rows of the members a statement changed, in the same
transaction, so it is exact on the very next request and a rollback undoes both. A TRUNCATE of
the members or of the links (Django's test flush) empties it or the competence ids. The model
`SearchFacts` is unmanaged: Django only reads it. On SQLite (development) the table does not
exist and a search's facets are counted from the member rows.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.db import migrations, models

# What a row of members_searchfacts is made of; a member update that changes none of these (a
# save of unchanged fields, `updated_at`) leaves its row alone.
SOURCE = "is_published, category, size, locality_id, offers_subcontracting, seeks_partners, search_text"
COLUMNS = "member_id, category, size, locality_id, offers_subcontracting, seeks_partners, competence_ids, document"


def _competence_ids(member_id):
    return (
        "ARRAY(SELECT link.competence_id FROM members_member_competences link"
        f" WHERE link.member_id = {member_id} ORDER BY 1)"
    )


def _insert(rows, where="m.is_published"):
    """Rows for the published members among `rows` (members_member columns, alias m)."""
    return f"""
    INSERT INTO members_searchfacts ({COLUMNS})
    SELECT m.id, m.category, m.size, m.locality_id, m.offers_subcontracting, m.seeks_partners,
           {_competence_ids("m.id")}, strip(to_tsvector('simple'::regconfig, m.search_text))
    FROM {rows} WHERE {where};
    """


def _changed(old, new):
    return f"({', '.join(f'{old}.{c.strip()}' for c in SOURCE.split(','))}) IS DISTINCT FROM " + (
        f"({', '.join(f'{new}.{c.strip()}' for c in SOURCE.split(','))})"
    )


def _refresh_competences(links):
    """The competence ids of the members whose links `links` (a transition table) touched.

    The rows are locked in member order first, so two transactions changing the competences of
    the same members queue instead of deadlocking.
    """
    return f"""
    PERFORM 1 FROM members_searchfacts WHERE member_id IN (SELECT member_id FROM {links})
        ORDER BY member_id FOR UPDATE;
    UPDATE members_searchfacts facts SET competence_ids = {_competence_ids("facts.member_id")}
    WHERE facts.member_id IN (SELECT member_id FROM {links});
    """


def _function(name, body):
    return f"""
    CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
    {body}
    RETURN NULL;
    END $$;
    """


CREATE = [
    """
    CREATE TABLE members_searchfacts (
        member_id bigint PRIMARY KEY,
        category varchar(20) NOT NULL,
        size varchar(10) NOT NULL,
        locality_id bigint NULL,
        offers_subcontracting boolean NOT NULL,
        seeks_partners boolean NOT NULL,
        competence_ids bigint[] NOT NULL,
        document tsvector NOT NULL
    );
    """,
    _function("members_facts_member_insert", _insert("new_rows m")),
    _function(
        "members_facts_member_update",
        # Only the members whose facts changed (or whose id did) are rewritten.
        f"""
        DELETE FROM members_searchfacts facts
        USING old_rows o LEFT JOIN new_rows n ON n.id = o.id
        WHERE facts.member_id = o.id AND (n.id IS NULL OR {_changed("o", "n")});
        """
        + _insert("new_rows m LEFT JOIN old_rows o ON o.id = m.id", f"m.is_published AND (o.id IS NULL OR {_changed('o', 'm')})"),
    ),
    _function(
        "members_facts_member_delete",
        "DELETE FROM members_searchfacts WHERE member_id IN (SELECT id FROM old_rows);",
    ),
    _function("members_facts_link_insert", _refresh_competences("new_links")),
    _function("members_facts_link_delete", _refresh_competences("old_links")),
    _function(
        "members_facts_link_update",
        _refresh_competences("(SELECT member_id FROM old_links UNION SELECT member_id FROM new_links) AS links"),
    ),
    _function(
        "members_facts_truncate",
        "IF TG_TABLE_NAME = 'members_member' THEN DELETE FROM members_searchfacts;"
        " ELSE UPDATE members_searchfacts SET competence_ids = '{}' WHERE competence_ids <> '{}'; END IF;",
    ),
    """
    CREATE TRIGGER members_facts_member_insert AFTER INSERT ON members_member
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_facts_member_insert();
    CREATE TRIGGER members_facts_member_update AFTER UPDATE ON members_member
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION members_facts_member_update();
    CREATE TRIGGER members_facts_member_delete AFTER DELETE ON members_member
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION members_facts_member_delete();
    CREATE TRIGGER members_facts_link_insert AFTER INSERT ON members_member_competences
        REFERENCING NEW TABLE AS new_links FOR EACH STATEMENT EXECUTE FUNCTION members_facts_link_insert();
    CREATE TRIGGER members_facts_link_update AFTER UPDATE ON members_member_competences
        REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links
        FOR EACH STATEMENT EXECUTE FUNCTION members_facts_link_update();
    CREATE TRIGGER members_facts_link_delete AFTER DELETE ON members_member_competences
        REFERENCING OLD TABLE AS old_links FOR EACH STATEMENT EXECUTE FUNCTION members_facts_link_delete();
    CREATE TRIGGER members_facts_member_truncate AFTER TRUNCATE ON members_member
        FOR EACH STATEMENT EXECUTE FUNCTION members_facts_truncate();
    CREATE TRIGGER members_facts_link_truncate AFTER TRUNCATE ON members_member_competences
        FOR EACH STATEMENT EXECUTE FUNCTION members_facts_truncate();
    """,
    # The members already there.
    _insert("members_member m"),
    # Serves members.facets.search_counts: document @@ to_tsquery('simple', 'word:*').
    "CREATE INDEX members_searchfacts_document ON members_searchfacts USING gin (document)",
    "ANALYZE members_searchfacts",
]

DROP = [
    "DROP TRIGGER IF EXISTS members_facts_member_insert ON members_member;"
    " DROP TRIGGER IF EXISTS members_facts_member_update ON members_member;"
    " DROP TRIGGER IF EXISTS members_facts_member_delete ON members_member;"
    " DROP TRIGGER IF EXISTS members_facts_member_truncate ON members_member;"
    " DROP TRIGGER IF EXISTS members_facts_link_insert ON members_member_competences;"
    " DROP TRIGGER IF EXISTS members_facts_link_update ON members_member_competences;"
    " DROP TRIGGER IF EXISTS members_facts_link_delete ON members_member_competences;"
    " DROP TRIGGER IF EXISTS members_facts_link_truncate ON members_member_competences;",
    "DROP FUNCTION IF EXISTS members_facts_member_insert, members_facts_member_update,"
    " members_facts_member_delete, members_facts_link_insert, members_facts_link_update,"
    " members_facts_link_delete, members_facts_truncate",
    "DROP TABLE IF EXISTS members_searchfacts",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # Copying 100,000 members and indexing their words outlasts the request timeout
            # (DB_STATEMENT_TIMEOUT_MS); LOCAL: for this migration's transaction only.
            schema_editor.execute("SET LOCAL statement_timeout = 0")
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("members", "0006_facet_cells_and_full_text")]

    operations = [
        migrations.CreateModel(
            name="SearchFacts",
            fields=[
                (
                    "member",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="members.member",
                    ),
                ),
                ("category", models.CharField(max_length=20)),
                ("size", models.CharField(max_length=10)),
                (
                    "locality",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="members.locality",
                    ),
                ),
                ("offers_subcontracting", models.BooleanField()),
                ("seeks_partners", models.BooleanField()),
                ("competence_ids", ArrayField(base_field=models.BigIntegerField(), size=None)),
                ("document", SearchVectorField()),
            ],
            options={"managed": False, "db_table": "members_searchfacts"},
        ),
        migrations.RunPython(run(CREATE), run(DROP)),
    ]
