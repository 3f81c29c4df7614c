"""Counts beside every filter option, each dimension counted with every *other* filter applied.

Two queries at most whatever the filters (this is the hot spot at 100,000 members). On
PostgreSQL, when the filters are only on category, size, place, the two flags and at most one
competence (no search), both read the facet cell tables of migration 0006 (a few thousand rows
kept exact by triggers) instead of the member rows. With a search, one query counts every
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

from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum, Value

from .models import CompetenceFacetCell, FacetCell, Member, SearchFacts, search_condition


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


def _sum_of_cells(condition):
    return Sum("n", filter=condition) if condition else Sum("n")


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
    """Counts per (category, size, locality) cell, one column per dimension (CUBE_DIMENSIONS)."""

    rows: list

    def total(self, column="matching"):
        return sum(row[column] for row in self.rows)

    def by(self, field, column):
        counts = {}
        for row in self.rows:
            counts[row[field]] = counts.get(row[field], 0) + row[column]
        return counts


def member_cube(filterset):
    """One query: the matching members' counts per cell, each dimension without its own filter."""
    conditions = filterset.conditions()
    competences = filterset.value("competence")
    if _cells_can_count(conditions, besides={"competence"}) and len(competences) <= 1:
        # A single competence's cells count each of its members once; with two competences a
        # member holding both would count twice, so that case counts the members below.
        conditions.pop("competence", None)
        cells = FacetCell.objects.all()
        if competences:
            competence = filterset.reference.competence_by_slug[competences[0]]
            cells = CompetenceFacetCell.objects.filter(competence_id=competence.pk)
        return _cube(cells, conditions, _sum_of_cells)
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
    query = rows.order_by().values("category", "size", "locality_id").annotate(**counts).query
    # Several hundred rows at 100,000 members: read as plain tuples, they skip the ORM's
    # per-value converters (about a tenth of the page's Python time there, by cProfile).
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        cells = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    # A SUM over no matching cell is NULL.
    return Cube([cell | {column: cell[column] or 0 for column in counts} for cell in cells])


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
    search = search_condition(filterset.value("q"), document="document")
    passes = {column: _all_but(conditions, *names) for column, names in CUBE_DIMENSIONS.items()}
    passes["for_subcontracting"] = _all_but(conditions, "subcontracting") & Q(offers_subcontracting=True)
    passes["for_partners"] = _all_but(conditions, "partners") & Q(seeks_partners=True)
    passes["for_competence"] = _all_but(conditions, "competence")
    # One boolean per count: does this row pass the filters that count keeps?
    flags = {
        f"in_{column}": ExpressionWrapper(condition, BooleanField()) if condition else Value(True)
        for column, condition in passes.items()
    }
    rows = SearchFacts.objects.filter(search).values(
        "category", "size", "locality_id", "competence_ids", **flags
    )
    rows_sql, params = rows.order_by().query.sql_with_params()
    counts = ", ".join(f"COUNT(*) FILTER (WHERE in_{column}) AS {column}" for column in passes)
    cube_columns = ", ".join(CUBE_DIMENSIONS)
    no_cube = ", ".join(["0"] * (len(CUBE_DIMENSIONS) - 1))
    sql = f"""
        WITH matching AS ({rows_sql}),
        grouped AS (
            SELECT GROUPING(competence_ids) AS is_cell, category, size, locality_id, competence_ids, {counts}
            FROM matching GROUP BY GROUPING SETS ((category, size, locality_id), (competence_ids))
        )
        SELECT category, size, locality_id, NULL, {cube_columns} FROM grouped WHERE is_cell = 1
        UNION ALL
        SELECT NULL, NULL, NULL, competence_id, SUM(for_competence)::bigint, {no_cube}
        FROM grouped, unnest(competence_ids) AS competence_id WHERE is_cell = 0 GROUP BY competence_id
    """  # noqa: S608 (column names from CUBE_DIMENSIONS; the values are parameters)
    cells, competences = [], {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for category, size, locality_id, competence_id, *numbers in cursor.fetchall():
            if competence_id is None:
                row = dict(zip(cube_columns.split(", "), numbers, strict=True))
                cells.append({"category": category, "size": size, "locality_id": locality_id} | row)
            else:
                competences[competence_id] = numbers[0]
    return Cube(cells), competences


def competence_counts(filterset):
    """{competence id: members}, with every filter but the competence one (one GROUP BY)."""
    conditions = filterset.conditions()
    others = _all_but(conditions, "competence")
    if _cells_can_count(conditions, besides={"competence"}):
        cells = CompetenceFacetCell.objects.filter(others)
        return dict(cells.order_by().values_list("competence_id").annotate(Sum("n")))
    members = filterset.queryset.prefetch_related(None).filter(others)
    return dict(
        Member.competences.through.objects.filter(member_id__in=members.order_by().values("pk"))
        .values_list("competence_id")
        .annotate(n=Count("member_id"))
        .order_by()
    )


def category_options(filterset, cube):
    counts = cube.by("category", "for_category")
    chosen = filterset.value("category")
    return [
        Option(code, label, counts.get(code, 0), code in chosen) for code, label in Member.Category.choices
    ]


def size_options(filterset, cube):
    counts = cube.by("size", "for_size")
    chosen = filterset.value("size")
    return [Option(code, label, counts.get(code, 0), code in chosen) for code, label in Member.Size.choices]


def competence_groups(filterset, counts):
    """Competences grouped as in the taxonomy, with `counts` ({competence id: members})."""
    chosen = filterset.value("competence")
    groups = []
    for group, competences in groupby(filterset.reference.competences, key=lambda c: c.group):
        options = [Option(c.slug, c.name, counts.get(c.pk, 0), c.slug in chosen) for c in competences]
        groups.append(Group(group.name, options))
    return groups


def place_groups(filterset, cube):
    """Counties, each with its localities, counted without the place filters.

    Locality counts then respect a chosen county and county counts a chosen locality, exactly as
    the AND of the two parameters would, because a locality lies in one county.
    """
    counts = cube.by("locality_id", "for_place")
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
    if connection.vendor == "postgresql" and query and search_condition(query):
        cube, competences = search_counts(filterset)
    else:
        cube, competences = member_cube(filterset), competence_counts(filterset)
    return {
        "total": cube.total(),
        "category": category_options(filterset, cube),
        "competence": competence_groups(filterset, competences),
        "place": place_groups(filterset, cube),
        "size": size_options(filterset, cube),
        "flags": flag_options(filterset, cube),
    }
