"""Counts beside every filter option, each dimension counted with every *other* filter applied.

Two queries at most whatever the filters (this is the hot spot at 100,000 members). On
PostgreSQL, when the filters are only on category, size, place, the two flags and at most one
competence (no search), both read the facet cell tables of migration 0006 (a few thousand rows
kept exact by triggers) instead of the member rows; with no filter but the competence one, the
competence counts are the per-competence totals of migration 0008. With a search, one query counts every
dimension over the narrow copies of the published members that migration 0007 keeps
(`search_counts`). Otherwise, and on SQLite, they count the members as follows:

- `member_cube`: one pass over the matching members, grouped by (category, size, locality), with
  one conditional count per dimension (`COUNT(*) FILTER (WHERE <every filter but this one>)`).
  Summing its few hundred rows in Python gives the category, size, place and flag counts and the
  number of results, so the page does not count them again. A covering index (migration 0005)
  lets PostgreSQL answer it from the index alone.
- `competence_counts`: one GROUP BY on the member–competence link table over the members that
  match every filter but the competence one.

Locality and county are one "place" dimension: a member has one locality, and a county's count
is the sum of its localities', so both come from the same counts.
"""

from dataclasses import dataclass
from itertools import groupby

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Q
from django.db.models.sql import Query

from .filters import choice_labels, page_language
from .models import (
    DOCUMENT_MATCH_SQL,
    CompetenceFacetCell,
    CompetenceTotal,
    FacetCell,
    Member,
    SearchFacts,
    search_tsquery,
)


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool

    @property
    def disabled(self):
        """An option that would lead to an empty page is not clickable (unless chosen: to undo it)."""
        return self.count == 0 and not self.selected


@dataclass
class Group:
    label: str
    options: list
    value: str = ""  # the county's slug for a locality group
    count: int = 0
    selected: bool = False

    @property
    def disabled(self):
        return self.count == 0 and not self.selected

    @property
    def has_selected_option(self):
        """A chosen locality: its county's list is shown open."""
        return any(option.selected for option in self.options)


def _all_but(conditions, *names):
    """Every active filter's condition AND-ed, except those of `names`."""
    combined = Q()
    for name, condition in conditions.items():
        if name not in names:
            combined &= condition
    return combined


def _count(condition):
    return Count("pk", filter=condition) if condition else Count("pk")


# The filters whose conditions are on columns the facet cells have (members.models.FacetCell).
CELL_FILTERS = {"category", "size", "locality", "county", "subcontracting", "partners"}


def _cells_can_count(conditions, *, besides=()):
    """True when the facet cells hold the answer: PostgreSQL, and no filter but cell filters."""
    return connection.vendor == "postgresql" and set(conditions) - set(besides) <= CELL_FILTERS


# Each dimension's count leaves its own filters out; "matching" leaves none out (the results).
CUBE_DIMENSIONS = {
    "matching": (),
    "for_category": ("category",),
    "for_size": ("size",),
    "for_place": ("locality", "county"),
    "for_subcontracting": ("subcontracting",),
    "for_partners": ("partners",),
}


@dataclass
class Cube:
    """The cube's counts summed per dimension (each without its own filter; see CUBE_DIMENSIONS)."""

    totals: dict  # column of CUBE_DIMENSIONS → sum over every cell ("matching": the results)
    category: dict  # category → members, without the category filter
    size: dict  # size → members, without the size filter
    place: dict  # locality id → members, without the place filters

    @classmethod
    def from_cells(cls, cells):
        """Sum (category, size, locality id, *CUBE_DIMENSIONS columns) rows in one pass.

        Several hundred cells at 100,000 members: plain tuples unpacked into local sums, since
        building a dict per cell and summing it once per dimension cost a millisecond a page.
        A SUM over no matching cell is NULL (`or 0`).
        """
        category, size, place = {}, {}, {}
        matching = subcontracting = partners = 0
        for cell in cells:
            # The columns of CUBE_DIMENSIONS, in its order, after the three grouping columns.
            code, size_code, locality, in_results, in_category, in_size, in_place, with_sub, with_partners = (
                cell
            )
            matching += in_results or 0
            subcontracting += with_sub or 0
            partners += with_partners or 0
            category[code] = category.get(code, 0) + (in_category or 0)
            size[size_code] = size.get(size_code, 0) + (in_size or 0)
            place[locality] = place.get(locality, 0) + (in_place or 0)
        totals = {
            "matching": matching,
            "for_category": sum(category.values()),
            "for_size": sum(size.values()),
            "for_place": sum(place.values()),
            "for_subcontracting": subcontracting,
            "for_partners": partners,
        }
        return cls(totals, category, size, place)

    def total(self, column="matching"):
        return self.totals[column]


def member_cube(filterset):
    """One query: the matching members' counts per cell, each dimension without its own filter."""
    conditions = filterset.conditions()
    competences = filterset.value("competence")
    if _cells_can_count(conditions, besides={"competence"}) and len(competences) <= 1:
        # A single competence's cells count each of its members once; with two competences a
        # member holding both would count twice, so that case counts the members below.
        conditions.pop("competence", None)
        if competences:
            competence = filterset.reference.competence_by_slug[competences[0]]
            return _cells_cube(CompetenceFacetCell, conditions, ("competence_id = %s", [competence.pk]))
        return _cells_cube(FacetCell, conditions)
    # Search is never left out, so it narrows the rows scanned instead of each count.
    search = conditions.pop("q", Q())
    members = filterset.queryset.prefetch_related(None).filter(search)
    return _cube(members, conditions, _count)


def _cube(rows, conditions, aggregate):
    counts = {column: aggregate(_all_but(conditions, *names)) for column, names in CUBE_DIMENSIONS.items()}
    counts["for_subcontracting"] = aggregate(
        _all_but(conditions, "subcontracting") & Q(offers_subcontracting=True)
    )
    counts["for_partners"] = aggregate(_all_but(conditions, "partners") & Q(seeks_partners=True))
    # The annotations come in CUBE_DIMENSIONS' order, after the three grouping columns.
    query = rows.order_by().values("category", "size", "locality_id").annotate(**counts).query
    # Hundreds of rows at 100,000 members: read as plain tuples, they skip the ORM's per-value
    # converters (about a tenth of the page's Python time there, by cProfile).
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return Cube.from_cells(cursor.fetchall())


# --- The cells' queries, written out -------------------------------------------------------------
# The cell tables are PostgreSQL's, and these two queries run for most directory pages. Written
# through the ORM (values().annotate() with six filtered sums) their building and compiling cost
# more CPU than PostgreSQL spends answering them; here each filter's condition is compiled once,
# by the ORM still, and the rest is put together as text.


def _sql_where(model, condition):
    """A Q on `model`'s columns as (SQL, params), compiled by the ORM; an empty Q is TRUE."""
    if not condition:
        return "TRUE", []
    query = Query(model)
    where = query.build_where(condition)
    try:
        sql, params = where.as_sql(query.get_compiler(connection=connection), connection)
    except EmptyResultSet:  # e.g. `IN ()`: no cell can match
        return "FALSE", []
    return sql, list(params)


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# Columns of the cube (CUBE_DIMENSIONS) that also need a flag set, whatever the filters.
FLAG_COLUMNS = {"for_subcontracting": "offers_subcontracting", "for_partners": "seeks_partners"}


def _count_conditions(model, conditions, dimensions):
    """{column: (SQL, params)}: each count's condition, every filter but the ones it leaves out.

    `dimensions` is {column: filter names left out}; each filter's condition is compiled once.
    """
    compiled = {name: _sql_where(model, condition) for name, condition in conditions.items()}
    counts = {}
    for column, left_out in dimensions.items():
        parts = [compiled[name] for name in compiled if name not in left_out]
        parts += [(FLAG_COLUMNS[column], [])] if column in FLAG_COLUMNS else []
        sql = " AND ".join(f"({part_sql})" for part_sql, _ in parts) or "TRUE"
        counts[column] = (sql, [param for _, part_params in parts for param in part_params])
    return counts


def _cells_cube(model, conditions, scope=None):
    """`_cube` over a cell table, summing `n`: the cells within `scope` (SQL and params)."""
    columns, params = [], []
    for sql, count_params in _count_conditions(model, conditions, CUBE_DIMENSIONS).values():
        columns.append("SUM(n)" if sql == "TRUE" else f"SUM(n) FILTER (WHERE {sql})")
        params += count_params
    where, where_params = scope or ("TRUE", [])
    # Safe: the text is column and table names and ORM-compiled conditions; values are params.
    sql = (
        f"SELECT category, size, locality_id, {', '.join(columns)} FROM {model._meta.db_table}"  # noqa: S608
        f" WHERE {where} GROUP BY category, size, locality_id"
    )
    return Cube.from_cells(_rows(sql, params + where_params))


def search_counts(filterset):
    """PostgreSQL, with a search: (the cube, {competence id: members}) in one query.

    One pass over the `SearchFacts` rows that match the search: grouped once by (category, size,
    locality), as `member_cube` does, and once by the member's competence ids (a few thousand
    distinct sets, then unnested and summed), each count keeping only the rows that pass every
    filter but its own. Those narrow rows (about 100 MB at 100,000 members) stay in PostgreSQL's
    buffers, where the wide member rows and their 265,000 competence links did not.
    """
    conditions = filterset.conditions()
    del conditions["q"]  # never left out: it chooses the rows, as the same match on `document`
    search, search_params = DOCUMENT_MATCH_SQL, [search_tsquery(filterset.value("q"))]
    # One boolean per count: does this row pass the filters that count keeps?
    counts = _count_conditions(
        SearchFacts, conditions, {**CUBE_DIMENSIONS, "for_competence": ("competence",)}
    )
    passes = ", ".join(f"{sql} AS in_{column}" for column, (sql, _) in counts.items())
    params = [param for _, count_params in counts.values() for param in count_params] + search_params
    totals = ", ".join(f"COUNT(*) FILTER (WHERE in_{column}) AS {column}" for column in counts)
    cube_columns = ", ".join(CUBE_DIMENSIONS)
    no_cube = ", ".join(["0"] * (len(CUBE_DIMENSIONS) - 1))
    sql = f"""
        WITH matching AS (
            SELECT category, size, locality_id, competence_ids, {passes}
            FROM {SearchFacts._meta.db_table} WHERE {search}
        ),
        grouped AS (
            SELECT GROUPING(competence_ids) AS is_cell, category, size, locality_id, competence_ids, {totals}
            FROM matching GROUP BY GROUPING SETS ((category, size, locality_id), (competence_ids))
        )
        SELECT category, size, locality_id, NULL, {cube_columns} FROM grouped WHERE is_cell = 1
        UNION ALL
        SELECT NULL, NULL, NULL, competence_id, SUM(for_competence)::bigint, {no_cube}
        FROM grouped, unnest(competence_ids) AS competence_id WHERE is_cell = 0 GROUP BY competence_id
    """  # noqa: S608 (column names from CUBE_DIMENSIONS, ORM-compiled conditions; values are parameters)
    cells, competences = [], {}
    for category, size, locality_id, competence_id, *numbers in _rows(sql, params):
        if competence_id is None:
            cells.append((category, size, locality_id, *numbers))
        else:
            competences[competence_id] = numbers[0]
    return Cube.from_cells(cells), competences


def competence_counts(filterset):
    """{competence id: members}, with every filter but the competence one (one GROUP BY)."""
    conditions = filterset.conditions()
    others = _all_but(conditions, "competence")
    if _cells_can_count(conditions, besides={"competence"}):
        if not others:
            # No other filter (the unfiltered page): a few dozen totals (migration 0008) instead
            # of a sum over every cell (26,000 at 100,000 members).
            return dict(_rows(f"SELECT competence_id, n FROM {CompetenceTotal._meta.db_table}", []))  # noqa: S608
        where, params = _sql_where(CompetenceFacetCell, others)
        return dict(
            _rows(
                f"SELECT competence_id, SUM(n) FROM {CompetenceFacetCell._meta.db_table}"  # noqa: S608 (see _cells_cube)
                f" WHERE {where} GROUP BY competence_id",
                params,
            )
        )
    members = filterset.queryset.prefetch_related(None).filter(others)
    return dict(
        Member.competences.through.objects.filter(member_id__in=members.order_by().values("pk"))
        .values_list("competence_id")
        .annotate(n=Count("member_id"))
        .order_by()
    )


def category_options(filterset, cube, language):
    counts = cube.category
    chosen = filterset.value("category")
    labels = choice_labels(Member.Category, language)
    return [Option(code, label, counts.get(code, 0), code in chosen) for code, label in labels.items()]


def size_options(filterset, cube, language):
    counts = cube.size
    chosen = filterset.value("size")
    labels = choice_labels(Member.Size, language)
    return [Option(code, label, counts.get(code, 0), code in chosen) for code, label in labels.items()]


def competence_groups(filterset, counts, language):
    """Competences grouped as in the taxonomy, with `counts` ({competence id: members}).

    `language` is `page_language()`, which facet_counts asks once for every dimension.
    """
    chosen = filterset.value("competence")
    groups = []
    for group, competences in groupby(filterset.reference.competences, key=lambda c: c.group):
        options = [
            Option(c.slug, c.name_in(language), counts.get(c.pk, 0), c.slug in chosen) for c in competences
        ]
        groups.append(Group(group.name_in(language), options))
    return groups


def place_groups(filterset, cube):
    """Counties, each with its localities, counted without the place filters.

    Locality counts then respect a chosen county and county counts a chosen locality, exactly as
    the AND of the two parameters would, because a locality lies in one county.
    """
    counts = cube.place
    chosen_localities = filterset.value("locality")
    chosen_counties = filterset.value("county")
    places = filterset.reference.places
    groups = []
    for slug, county in places.counties.items():
        localities = [loc for loc in places.localities if loc.county == county]
        in_county = not chosen_counties or slug in chosen_counties
        options = [
            Option(
                loc.slug, loc.name, counts.get(loc.pk, 0) if in_county else 0, loc.slug in chosen_localities
            )
            for loc in localities
        ]
        county_count = sum(
            counts.get(loc.pk, 0)
            for loc in localities
            if not chosen_localities or loc.slug in chosen_localities
        )
        groups.append(Group(county, options, slug, county_count, slug in chosen_counties))
    return groups


def flag_options(filterset, cube):
    """Each flag counted without its own filter but with the other's."""
    return {
        name: Option(
            "1",
            str(filterset.filters[name].extra["choices"][0][1]),
            cube.total(f"for_{name}"),
            bool(filterset.value(name)),
        )
        for name in ("subcontracting", "partners")
    }


def facet_counts(filterset):
    """Every dimension's options with counts, and the number of results: one or two queries."""
    # A search with no letters or digits ("!!") matches every member: no search to count.
    query = filterset.value("q")
    if connection.vendor == "postgresql" and query and search_tsquery(query):
        cube, competences = search_counts(filterset)
    else:
        cube, competences = member_cube(filterset), competence_counts(filterset)
    language = page_language()
    return {
        "total": cube.total(),
        "category": category_options(filterset, cube, language),
        "competence": competence_groups(filterset, competences, language),
        "place": place_groups(filterset, cube),
        "size": size_options(filterset, cube, language),
        "flags": flag_options(filterset, cube),
    }
