"""Facet counts kept by PostgreSQL itself, and full-text search (PostgreSQL only).

At 100,000 members, counting the facets over the member rows on every request is what limits the
directory (issue 8). Two tables hold the counts instead, per combination of the dimensions a
visitor can filter on, and triggers keep them exact in the same transaction as every change:

- `members_facetcell`: published members per (category, size, locality, offers_subcontracting,
  seeks_partners). A few thousand rows at most, whatever the number of members.
- `members_competencefacetcell`: the same, per competence (one member counts once in each of its
  competences' cells).

They are not a cache: there is no expiry and no way for them to be stale, because a change to a
member or to its competences updates them before its transaction commits, and a rollback undoes
both. `members.facets` sums them when the filters are only on those dimensions (plus at most one
competence) and counts the member rows otherwise (a search, several competences).

The triggers are statement-level with transition tables, so a bulk insert or update of 100,000
members (generate_members, rebuild_search_text) costs one grouped upsert, not 100,000. They upsert
in key order, so two concurrent statements queue on a cell instead of deadlocking (two
transactions of several statements each can still deadlock on cells; PostgreSQL then fails one;
see members/migrations/0008_competence_totals.py). A TRUNCATE of
the members or of their competences (Django's test flush) empties the counts too.

`members_search_fts`: a full-text index on the folded search text. A word typed in the search box
becomes a prefix query (`automatizari:*`), which this index answers without reading each row's text.
It replaces the trigram index of migration 0002, which served the substring search (`LIKE
'%word%'`) this replaces and cost most of the time of a bulk load.

The models `FacetCell` and `CompetenceFacetCell` are unmanaged: Django only reads them, and keeping
them out of its serialisation and flush (tests) leaves the triggers the only writers. On SQLite
(development) the tables do not exist and the facets are always counted from the member rows.
"""

from django.db import migrations, models

DIMENSIONS = "category, size, locality_id, offers_subcontracting, seeks_partners"
# One cell per combination; no locality is stored as NULL and compared as 0.
CELL_KEY = "category, size, (COALESCE(locality_id, 0)), offers_subcontracting, seeks_partners"


def _upserts(delta):
    """SQL applying `delta` (rows: member id, the dimensions, d = +1 or -1) to both cell tables."""
    return f"""
    WITH delta AS ({delta}),
    member_cells AS (
        INSERT INTO members_facetcell AS cell ({DIMENSIONS}, n)
        SELECT {DIMENSIONS}, SUM(d) FROM delta
        GROUP BY {DIMENSIONS} HAVING SUM(d) <> 0 ORDER BY {DIMENSIONS}
        ON CONFLICT ({CELL_KEY}) DO UPDATE SET n = cell.n + EXCLUDED.n
        RETURNING 1
    )
    INSERT INTO members_competencefacetcell AS cell (competence_id, {DIMENSIONS}, n)
    SELECT link.competence_id, {", ".join(f"delta.{d.strip()}" for d in DIMENSIONS.split(","))}, SUM(d)
    FROM delta JOIN members_member_competences link ON link.member_id = delta.id
    GROUP BY 1, 2, 3, 4, 5, 6 HAVING SUM(d) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (competence_id, {CELL_KEY}) DO UPDATE SET n = cell.n + EXCLUDED.n;
    """


def _member_rows(table, sign):
    return f"SELECT id, {DIMENSIONS}, {sign} AS d FROM {table} WHERE is_published"


def _link_upsert(table, sign):
    """A competence given to (+1) or taken from (-1) published members changes only their cells."""
    dims = ", ".join(f"m.{d.strip()}" for d in DIMENSIONS.split(","))
    return f"""
    INSERT INTO members_competencefacetcell AS cell (competence_id, {DIMENSIONS}, n)
    SELECT link.competence_id, {dims}, {sign} * COUNT(*)
    FROM {table} link JOIN members_member m ON m.id = link.member_id
    WHERE m.is_published
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (competence_id, {CELL_KEY}) DO UPDATE SET n = cell.n + EXCLUDED.n;
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
    f"""
    CREATE TABLE members_facetcell (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        category varchar(20) NOT NULL,
        size varchar(10) NOT NULL,
        locality_id bigint NULL,
        offers_subcontracting boolean NOT NULL,
        seeks_partners boolean NOT NULL,
        n integer NOT NULL
    );
    CREATE UNIQUE INDEX members_facetcell_key ON members_facetcell ({CELL_KEY});
    CREATE TABLE members_competencefacetcell (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        competence_id bigint NOT NULL,
        category varchar(20) NOT NULL,
        size varchar(10) NOT NULL,
        locality_id bigint NULL,
        offers_subcontracting boolean NOT NULL,
        seeks_partners boolean NOT NULL,
        n integer NOT NULL
    );
    CREATE UNIQUE INDEX members_competencefacetcell_key ON members_competencefacetcell (competence_id, {CELL_KEY});
    """,
    # Members inserted, updated (any column: the delta of an unchanged row sums to 0) or deleted.
    _function("members_cells_member_insert", _upserts(_member_rows("new_rows", 1))),
    _function(
        "members_cells_member_update",
        _upserts(_member_rows("old_rows", -1) + " UNION ALL " + _member_rows("new_rows", 1)),
    ),
    _function("members_cells_member_delete", _upserts(_member_rows("old_rows", -1))),
    _function("members_cells_link_insert", _link_upsert("new_links", 1)),
    _function("members_cells_link_delete", _link_upsert("old_links", -1)),
    _function(
        "members_cells_link_update",
        _link_upsert("old_links", -1) + _link_upsert("new_links", 1),
    ),
    _function(
        "members_cells_truncate",
        "DELETE FROM members_competencefacetcell;"
        " IF TG_TABLE_NAME = 'members_member' THEN DELETE FROM members_facetcell; END IF;",
    ),
    """
    CREATE TRIGGER members_cells_member_insert AFTER INSERT ON members_member
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_cells_member_insert();
    CREATE TRIGGER members_cells_member_update AFTER UPDATE ON members_member
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION members_cells_member_update();
    CREATE TRIGGER members_cells_member_delete AFTER DELETE ON members_member
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION members_cells_member_delete();
    CREATE TRIGGER members_cells_link_insert AFTER INSERT ON members_member_competences
        REFERENCING NEW TABLE AS new_links FOR EACH STATEMENT EXECUTE FUNCTION members_cells_link_insert();
    CREATE TRIGGER members_cells_link_update AFTER UPDATE ON members_member_competences
        REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links
        FOR EACH STATEMENT EXECUTE FUNCTION members_cells_link_update();
    CREATE TRIGGER members_cells_link_delete AFTER DELETE ON members_member_competences
        REFERENCING OLD TABLE AS old_links FOR EACH STATEMENT EXECUTE FUNCTION members_cells_link_delete();
    CREATE TRIGGER members_cells_member_truncate AFTER TRUNCATE ON members_member
        FOR EACH STATEMENT EXECUTE FUNCTION members_cells_truncate();
    CREATE TRIGGER members_cells_link_truncate AFTER TRUNCATE ON members_member_competences
        FOR EACH STATEMENT EXECUTE FUNCTION members_cells_truncate();
    """,
    # The counts of the members already there.
    f"""
    INSERT INTO members_facetcell ({DIMENSIONS}, n)
    SELECT {DIMENSIONS}, COUNT(*) FROM members_member WHERE is_published GROUP BY {DIMENSIONS};
    INSERT INTO members_competencefacetcell (competence_id, {DIMENSIONS}, n)
    SELECT link.competence_id, {", ".join(f"m.{d.strip()}" for d in DIMENSIONS.split(","))}, COUNT(*)
    FROM members_member_competences link JOIN members_member m ON m.id = link.member_id
    WHERE m.is_published GROUP BY 1, 2, 3, 4, 5, 6;
    """,
    # Serves MemberQuerySet.search on PostgreSQL: to_tsvector(...) @@ to_tsquery('word:*').
    "CREATE INDEX members_search_fts ON members_member USING gin (to_tsvector('simple'::regconfig, search_text))",
    "DROP INDEX IF EXISTS members_search_text_trgm",
]

DROP = [
    "CREATE INDEX IF NOT EXISTS members_search_text_trgm ON members_member USING gin (search_text gin_trgm_ops)",
    "DROP INDEX IF EXISTS members_search_fts",
    "DROP TRIGGER IF EXISTS members_cells_member_insert ON members_member;"
    " DROP TRIGGER IF EXISTS members_cells_member_update ON members_member;"
    " DROP TRIGGER IF EXISTS members_cells_member_delete ON members_member;"
    " DROP TRIGGER IF EXISTS members_cells_member_truncate ON members_member;"
    " DROP TRIGGER IF EXISTS members_cells_link_insert ON members_member_competences;"
    " DROP TRIGGER IF EXISTS members_cells_link_update ON members_member_competences;"
    " DROP TRIGGER IF EXISTS members_cells_link_delete ON members_member_competences;"
    " DROP TRIGGER IF EXISTS members_cells_link_truncate ON members_member_competences;",
    "DROP FUNCTION IF EXISTS members_cells_member_insert, members_cells_member_update,"
    " members_cells_member_delete, members_cells_link_insert, members_cells_link_update,"
    " members_cells_link_delete, members_cells_truncate",
    "DROP TABLE IF EXISTS members_facetcell, members_competencefacetcell",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # Building the index and the counts of 100,000 members outlasts the request timeout
            # (DB_STATEMENT_TIMEOUT_MS); LOCAL: for this migration's transaction only.
            schema_editor.execute("SET LOCAL statement_timeout = 0")
            for sql in statements:
                schema_editor.execute(sql)

    return apply


CELL_FIELDS = [
    ("id", models.BigAutoField(primary_key=True, serialize=False)),
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
    ("n", models.IntegerField()),
]


class Migration(migrations.Migration):
    dependencies = [("members", "0005_perf_facet_indexes")]

    operations = [
        migrations.CreateModel(
            name="FacetCell",
            fields=CELL_FIELDS,
            options={"managed": False, "db_table": "members_facetcell"},
        ),
        migrations.CreateModel(
            name="CompetenceFacetCell",
            fields=[
                *CELL_FIELDS[:1],
                (
                    "competence",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="members.competence",
                    ),
                ),
                *CELL_FIELDS[1:],
            ],
            options={"managed": False, "db_table": "members_competencefacetcell"},
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                condition=models.Q(("is_published", True)),
                fields=["category", "name_key"],
                name="members_pub_cat_name_idx",
            ),
        ),
        migrations.RunPython(run(CREATE), run(DROP)),
    ]
