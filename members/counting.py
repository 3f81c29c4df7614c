"""The two tables the directory counts from, generated from members.dimensions.

- `members_facts`: one narrow row per published member: its id, the column of each single-valued
  dimension, an array of ids per many-valued dimension, and its search document.
- `members_cells`: published members counted per combination of the single-valued dimensions
  (`dimension` ""), again per combination for each value of a many-valued dimension
  (`dimension` "competence", `value` the competence's id), and for each pair of values of two
  many-valued dimensions (`dimension2` "certification", `value2` the certification's id).

On PostgreSQL both are tables, kept exact in the same transaction as every change by
statement-level triggers: a statement on the members or their links rewrites the facts of the
members it touched, and every change to the facts is added to the cells. So most pages count a
few thousand cells instead of 100,000 members, and a search counts narrow rows. On SQLite
(development) both are views with the same columns and the same definition.
"""

from itertools import combinations

from django.db import connection

from .dimensions import MANY, SINGLE

FACTS, CELLS = "members_facts", "members_cells"
ALL = "*"  # the cells' dimension2 of a many-valued value's total
# The member columns the directory sorts by (members.filters.SORTS), so a listing reads the facts
# and only its page's 24 member rows.
SORT_COLUMNS = ("name_key", "member_since", "founded")
DEFER = "members.defer_counting"  # "on": this transaction calls rebuild() at its end (bulk loads)
# The directory sorted "newest" (members.filters.SORTS) and the home page's newest members:
# the first rows of this index instead of a sort of every member.
NEWEST_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {FACTS}_newest ON {FACTS} (member_since DESC NULLS LAST, name_key)"
)
# The directory sorted by founding year, oldest or youngest first: a page is a stretch of one of
# these instead of a sort of every member (36 ms → 0.1 ms at 100,000 members, bench/README.md).
FOUNDED_INDEXES = (
    f"CREATE INDEX IF NOT EXISTS {FACTS}_oldest_founded ON {FACTS} (founded ASC NULLS LAST, name_key)",
    f"CREATE INDEX IF NOT EXISTS {FACTS}_youngest_founded ON {FACTS} (founded DESC NULLS LAST, name_key)",
)
# The directory's search: every typed word is the prefix of a word of the document.
SEARCH_INDEX = f"CREATE INDEX {FACTS}_document ON {FACTS} USING gin (document)"


def search_condition(expanded, prefix=""):
    """SQL and params: the document matches every word (members.models.expand_search)."""
    if connection.vendor == "postgresql":
        any_of = [" | ".join([f"{word}:*", *(f"'{token}'" for token in tokens)]) for word, tokens in expanded]
        return f"{prefix}document @@ CAST(%s AS tsquery)", [
            " & ".join(f"({alternatives})" for alternatives in any_of)
        ]
    sql = " AND ".join(
        "(" + " OR ".join([f"{prefix}document LIKE %s"] * (1 + len(tokens))) + ")"
        for _word, tokens in expanded
    )
    return sql, [
        pattern for word, tokens in expanded for pattern in [f"% {word}%", *(f"% {t} %" for t in tokens)]
    ]


def contains_all(array, ids):
    """SQL and params: the array column holds every one of `ids` (PostgreSQL's GIN index serves it)."""
    if connection.vendor == "postgresql":
        return f"{array} @> CAST(%s AS bigint[])", [list(ids)]
    placeholders = ", ".join(["%s"] * len(ids))
    return f"(SELECT COUNT(*) FROM json_each({array}) WHERE value IN ({placeholders})) = {len(ids)}", [*ids]


def similar_members(member_id, competence_ids, count):
    """SQL and params of Member.objects.similar_to: level by level, from all the competences down
    to one, the first `count` facts rows by name holding exactly that many; then the best."""

    def holds(at_least):
        parts = [contains_all("f.competence_ids", ids) for ids in combinations(competence_ids, at_least)]
        return " OR ".join(f"({sql})" for sql, _ in parts) or "FALSE", [p for _, ps in parts for p in ps]

    levels, params = [], []
    for shared in range(len(competence_ids), 0, -1):
        (more, more_params), (enough, enough_params) = holds(shared + 1), holds(shared)
        levels.append(  # each level in a subquery of its own: SQLite takes no parentheses in a UNION
            f"SELECT * FROM (SELECT f.id, f.name_key, {shared} AS shared FROM {FACTS} f WHERE f.id <> %s"
            f" AND ({enough}) AND NOT ({more}) ORDER BY f.name_key LIMIT {int(count)}) AS level{shared}"
        )
        params += [member_id, *enough_params, *more_params]
    levels = " UNION ALL ".join(levels)
    best = f"SELECT * FROM ({levels}) AS level ORDER BY shared DESC, name_key LIMIT {int(count)}"
    sql = (
        "SELECT m.id, m.name, m.slug, m.category, l.name AS locality_name, best.shared"
        f" FROM ({best}) AS best JOIN members_member m ON m.id = best.id"
        " LEFT JOIN members_locality l ON l.id = m.locality_id ORDER BY best.shared DESC, m.name_key"
    )
    return sql, params


def each(vendor, array, alias="v"):
    """The elements of an array column as the rows of a table `v(value)`."""
    return (
        f"unnest({array}) AS {alias}(value)" if vendor == "postgresql" else f"json_each({array}) AS {alias}"
    )


def facts_select(vendor, where="TRUE", single=SINGLE, many=MANY):
    columns = ["m.id", *(f"m.{column}" for column in SORT_COLUMNS), *(f"m.{d.column}" for d in single)]
    for d in many:
        ids = (
            f"SELECT {d.link_column} AS id FROM {d.through._meta.db_table} WHERE member_id = m.id ORDER BY 1"
        )
        columns.append(
            f"ARRAY({ids})" if vendor == "postgresql" else f"(SELECT json_group_array(id) FROM ({ids}))"
        )
        columns[-1] += f" AS {d.array}"
    # PostgreSQL's document is a tsvector of exactly the words of `search_text`: no parser or
    # dictionary between them, so its prefix match means what SQLite's LIKE means.
    words = "array_remove(string_to_array(m.search_text, ' '), '')"
    columns.append(
        f"array_to_tsvector({words}) AS document" if vendor == "postgresql" else "m.search_text AS document"
    )
    return f"SELECT {', '.join(columns)} FROM members_member m WHERE m.is_published AND {where}"


def cells_select(vendor, source=FACTS, sign="1", single=SINGLE, many=MANY):
    """The cells of the facts in `source`, each member counted `sign` times (triggers subtract):
    per combination of single-valued values; within each value of a many-valued dimension; and
    within each pair of values of two of them (a competence's members per certification). Each
    many-valued value also has a total (dimension2 ALL, every single-valued column NULL): the
    facet of a page that filters nothing else reads a few dozen rows, not tens of thousands."""
    columns = ", ".join(d.column for d in single)
    keys = f"dimension, value, dimension2, value2, {columns}"
    everyone = "'' AS dimension, 0 AS value, '' AS dimension2, 0 AS value2"
    parts = [f"SELECT {everyone}, {columns}, {sign} AS n FROM {source}"]
    for d in many:
        values = each(vendor, f"{source}.{d.array}")
        parts.append(f"SELECT '{d.param}', v.value, '', 0, {columns}, {sign} FROM {source}, {values}")
        nulls = ", ".join("NULL" for _ in single)
        parts.append(f"SELECT '{d.param}', v.value, '{ALL}', 0, {nulls}, {sign} FROM {source}, {values}")
        for d2 in many:
            if d2 != d:
                values2 = each(vendor, f"{source}.{d2.array}", "v2")
                parts.append(
                    f"SELECT '{d.param}', v.value, '{d2.param}', v2.value, {columns}, {sign}"
                    f" FROM {source}, {values}, {values2}"
                )
    return f"SELECT {keys}, SUM(n) AS n FROM ({' UNION ALL '.join(parts)}) AS changes GROUP BY {keys}"


def _postgresql(single, many):
    # In this order, the unique index's prefixes serve every count from the cells: (dimension, "")
    # a many-valued facet, (dimension, "", value) the cube within a value, (dimension,
    # dimension2, value) a facet within another dimension's value.
    keys = f"dimension, dimension2, value, value2, {', '.join(d.column for d in single)}"
    upsert = f"ORDER BY {keys} ON CONFLICT ({keys}) DO UPDATE SET n = c.n + EXCLUDED.n"  # one lock order
    statements = [
        f"CREATE TABLE {FACTS} AS {facts_select('postgresql', single=single, many=many)} WITH NO DATA",
        f"ALTER TABLE {FACTS} ADD PRIMARY KEY (id)",
        SEARCH_INDEX,
        *(
            f"CREATE INDEX {FACTS}_{d.array} ON {FACTS} USING gin ({d.array})" for d in many
        ),  # similar members
        # The directory in name order, and within a category: a page is a stretch of one of these.
        f"CREATE INDEX {FACTS}_name_key ON {FACTS} (name_key)",
        f"CREATE INDEX {FACTS}_category_name_key ON {FACTS} (category, name_key)",
        NEWEST_INDEX,  # the directory's "newest" sort and the home page's newest members
        *FOUNDED_INDEXES,  # its two "founded" sorts
        f"CREATE TABLE {CELLS} AS {cells_select('postgresql', single=single, many=many)} WITH NO DATA",
        # The triggers' upsert (see the order of `keys` above).
        f"CREATE UNIQUE INDEX {CELLS}_key ON {CELLS} ({keys}) NULLS NOT DISTINCT",
        f"""CREATE FUNCTION members_refresh_facts(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            IF current_setting('{DEFER}', true) = 'on' THEN RETURN; END IF;
            -- One transaction at a time rewrites a member's facts (in id order: no deadlock).
            PERFORM 1 FROM members_member WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
            DELETE FROM {FACTS} WHERE id = ANY(ids);
            INSERT INTO {FACTS} {facts_select("postgresql", "m.id = ANY(ids)", single, many)};
        END $$""",
        f"""CREATE FUNCTION members_count_facts() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO {CELLS} AS c {cells_select("postgresql", "new_rows", "1", single, many)}
                {upsert};
            ELSE
                INSERT INTO {CELLS} AS c {cells_select("postgresql", "old_rows", "-1", single, many)}
                {upsert};
            END IF;
            RETURN NULL;
        END $$""",
        f"CREATE TRIGGER members_count_facts_insert AFTER INSERT ON {FACTS}"
        " REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_count_facts()",
        f"CREATE TRIGGER members_count_facts_delete AFTER DELETE ON {FACTS}"
        " REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION members_count_facts()",
        f"""CREATE FUNCTION members_truncate_counting() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN TRUNCATE {FACTS}, {CELLS}; RETURN NULL; END $$""",
        "CREATE TRIGGER members_member_truncate AFTER TRUNCATE ON members_member"
        " FOR EACH STATEMENT EXECUTE FUNCTION members_truncate_counting()",
    ]
    # The members and each many-to-many table: the members a statement touched get new facts.
    for table, member_id in [("members_member", "id")] + [
        (d.through._meta.db_table, "member_id") for d in many
    ]:
        statements.append(f"""CREATE FUNCTION {table}_facts() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE ids bigint[] := '{{}}';
        BEGIN
            IF TG_OP <> 'INSERT' THEN ids := ids || ARRAY(SELECT {member_id} FROM old_rows); END IF;
            IF TG_OP <> 'DELETE' THEN ids := ids || ARRAY(SELECT {member_id} FROM new_rows); END IF;
            PERFORM members_refresh_facts(ids);
            RETURN NULL;
        END $$""")
        old, new = "OLD TABLE AS old_rows", "NEW TABLE AS new_rows"
        for event, tables in [("INSERT", new), ("UPDATE", f"{old} {new}"), ("DELETE", old)]:
            statements.append(
                f"CREATE TRIGGER {table}_facts_{event.lower()} AFTER {event} ON {table}"
                f" REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {table}_facts()"
            )
    return statements


def _sqlite(single, many):
    return [
        f"CREATE VIEW {FACTS} AS {facts_select('sqlite', single=single, many=many)}",
        f"CREATE VIEW {CELLS} AS {cells_select('sqlite', single=single, many=many)}",
    ]


def _drop(connection):
    if connection.vendor != "postgresql":
        return [f"DROP VIEW IF EXISTS {CELLS}", f"DROP VIEW IF EXISTS {FACTS}"]
    with connection.cursor() as cursor:  # every function made here, whatever the dimensions were
        cursor.execute(
            "SELECT oid::regprocedure FROM pg_proc WHERE proname LIKE 'members\\_%%'"
            " AND prorettype IN ('trigger'::regtype, 'void'::regtype)"
        )
        functions = [row[0] for row in cursor.fetchall()]
    return [f"DROP TABLE IF EXISTS {CELLS}, {FACTS}"] + [
        f"DROP FUNCTION {name} CASCADE" for name in functions
    ]


def install(apps, schema_editor):
    """(Re)create the tables (views) and triggers for the dimensions the schema has so far.

    Migration 0003 runs it, and so does every later migration that adds or changes a dimension,
    after its schema changes. Run from an empty database, an early migration leaves out the
    dimensions whose columns or tables a later one creates.
    """
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        columns = {
            column.name for column in connection.introspection.get_table_description(cursor, "members_member")
        }
    single = [d for d in SINGLE if d.column in columns]
    many = [d for d in MANY if d.through._meta.db_table in connection.introspection.table_names()]
    create = _postgresql if connection.vendor == "postgresql" else _sqlite
    for statement in _drop(connection) + create(single, many):
        schema_editor.execute(statement)
    rebuild(connection, single, many)


def uninstall(apps, schema_editor):
    for statement in _drop(schema_editor.connection):
        schema_editor.execute(statement)


def rebuild(using=connection, single=SINGLE, many=MANY):
    """Recompute both tables from the members and ANALYZE them (PostgreSQL): a bulk load's end."""
    if using.vendor != "postgresql":
        return
    with using.cursor() as cursor:
        # 100,000 members take longer than a page may (DB_STATEMENT_TIMEOUT_MS); this transaction only.
        cursor.execute(f"SET LOCAL {DEFER} = 'off'; SET LOCAL statement_timeout = 0")
        cursor.execute(f"TRUNCATE {FACTS}, {CELLS}; DROP INDEX {FACTS}_document")
        # The trigger on the facts adds them to the cells; the index is quicker built once, after.
        cursor.execute(f"INSERT INTO {FACTS} {facts_select('postgresql', single=single, many=many)}")
        cursor.execute(SEARCH_INDEX)
        cursor.execute(f"ANALYZE {FACTS}, {CELLS}")


def defer(using=connection):
    """Leave the counting tables as they are until `rebuild()`, in this transaction (bulk loads)."""
    if using.vendor == "postgresql":
        with using.cursor() as cursor:
            cursor.execute(f"SET LOCAL {DEFER} = 'on'")
