"""Facet counts: for every option of every dimension, how many members choosing it would list.

Each dimension is counted with every other active filter applied and its own left out, so a
chosen category keeps the other categories' counts. One query counts them all, from the
counting tables of members.counting: a count whose filters the precomputed cells hold (filters
on single-valued dimensions, and one value of one many-valued dimension) sums cells, a few
thousand rows whatever the number of members; any other count (a search, two competences)
counts the matching members' narrow facts rows.
"""

import hashlib
from dataclasses import dataclass, field

from django.db import connection

from .counting import ALL, CELLS, FACTS, each, search_condition
from .dimensions import BY_PARAM, DIMENSIONS, MANY, SINGLE


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    children: list = field(default_factory=list)  # the nested dimension's options (a county's localities)
    beyond_top: bool = False  # in a long list, shown only after "Show all" (members.facets.panel)

    def __post_init__(self):
        # Choosing it would list nobody: dimmed, but still a checkbox that says its count of 0.
        self.empty = not self.count and not self.selected

    @property
    def child_selected(self):
        return any(child.selected for child in self.children)


@dataclass
class Facet:
    """One dimension's options with their counts, and the same options under their headings."""

    dimension: object
    options: list
    groups: dict = field(default_factory=dict)  # heading → [FacetOption]; {} when not grouped
    nested: bool = False  # listed under another dimension's options, not on its own
    shortened: bool = False  # a long list: only its top options show until "Show all"

    @property
    def param(self):
        return self.dimension.param

    @property
    def selected(self):
        return [option for option in self.options if option.selected]


def _conditions(chosen, table, options, leave_out=()):
    """SQL (and params) of the active filters on `table`'s rows, `leave_out` aside."""
    parts = [
        BY_PARAM[param].condition(keys, f"{table}.", options)
        for param, keys in chosen.items()
        if param not in leave_out
    ]
    return " AND ".join(f"({sql})" for sql, _ in parts) or "TRUE", [p for _, params in parts for p in params]


def _cells_hold(chosen, search, counting=None):
    """Can the cells count `counting` (None: the single-valued dimensions) under these filters?

    They hold members per combination of single-valued columns, within at most one value of a
    many-valued dimension other than the one counted; a search or two such values need the
    members' facts.
    """
    many = _many_chosen(chosen, counting)
    return not search and len(many) <= 1 and all(len(keys) == 1 for _param, keys in many)


def _within(chosen, counting=None):
    """(param, id) of the one many-valued value the cells' count is within, or ("", 0)."""
    [(param, keys)] = _many_chosen(chosen, counting) or [("", [0])]
    return param, int(keys[0])


def _many_chosen(chosen, counting):
    return [(param, keys) for param, keys in chosen.items() if BY_PARAM[param].many and param != counting]


def count_query(chosen, search, options):
    """SQL and params of one query answering (dimension param, option key, members) rows.

    `chosen` is {param: [option keys]}, `search` the expanded words (members.models.expand_search);
    the row with param "" is the number of members listed.
    """
    single = {param: keys for param, keys in chosen.items() if not BY_PARAM[param].many}
    facts, ctes, params = FACTS, [], []
    if search:  # a search is never left out: match the words once, then count within the matches
        condition, params = search_condition(search)
        columns = ", ".join(["id", *(d.column for d in SINGLE), *(d.array for d in MANY)])
        ctes.append(f"matching AS MATERIALIZED (SELECT {columns} FROM {FACTS} WHERE {condition})")
        facts = "matching"

    # The single-valued dimensions together: the members matching the many-valued filters, per
    # combination of single-valued values (the "cube": a few thousand rows at most), from the
    # cells when they hold it; then each dimension summed over the cube with every filter but its own.
    if _cells_hold(chosen, search):
        source, weight = CELLS, "n"
        scope, scope_params = (
            f"{CELLS}.dimension = %s AND {CELLS}.value = %s AND {CELLS}.dimension2 = ''",
            [*_within(chosen)],
        )
    else:
        source, weight = facts, "1"
        scope, scope_params = _conditions(
            {p: k for p, k in chosen.items() if p not in single}, facts, options
        )
    columns = ", ".join(d.column for d in SINGLE)
    ctes.append(
        f"cube AS (SELECT {columns}, SUM({weight}) AS n FROM {source} WHERE {scope} GROUP BY {columns})"
    )
    params += scope_params
    selects = []
    for d in [None, *(d for d in DIMENSIONS if not d.many)]:
        where, where_params = _conditions(single, "cube", options, leave_out=(d.param,) if d else ())
        key = f"CAST({d.key_sql('cube.')} AS TEXT)" if d else "''"
        selects.append(
            f"SELECT '{d.param if d else ''}', {key}, SUM(n) FILTER (WHERE {where}) FROM cube GROUP BY 2"
        )
        params += where_params

    # Each many-valued dimension: per value, with every filter but its own.
    for d in MANY:
        if _cells_hold(chosen, search, d.param):
            within, value = _within(chosen, d.param)
            if within:  # within another dimension's value: its cells paired with this one's values
                scope, scope_params = (
                    f"dimension = %s AND value = %s AND dimension2 = '{d.param}'",
                    [within, value],
                )
                key = "value2"
            elif single:
                scope, scope_params, key = f"dimension = '{d.param}' AND dimension2 = ''", [], "value"
            else:  # nothing else filtered: each value's total
                scope, scope_params, key = f"dimension = '{d.param}' AND dimension2 = '{ALL}'", [], "value"
            where, where_params = _conditions(single, CELLS, options)
            rows = f"{CELLS} WHERE {scope} AND {where}"
            selects.append(f"SELECT '{d.param}', CAST({key} AS TEXT), SUM(n) FROM {rows} GROUP BY {key}")
            where_params = scope_params + where_params
        else:  # the members' sets of values first (a few thousand), then each value's members
            where, where_params = _conditions(chosen, facts, options, (d.param,))
            sets = f"SELECT {d.array}, COUNT(*) AS n FROM {facts} WHERE {where} GROUP BY {d.array}"
            rows = f"({sets}) AS sets, {each(connection.vendor, f'sets.{d.array}')}"
            selects.append(f"SELECT '{d.param}', CAST(v.value AS TEXT), SUM(sets.n) FROM {rows} GROUP BY 2")
        params += where_params
    return f"WITH {', '.join(ctes)} {' UNION ALL '.join(selects)}", params


def totals(param):
    """{option key: published members} of a single-valued dimension, nothing filtered: one query."""
    key = BY_PARAM[param].key_sql(f"{CELLS}.")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT CAST({key} AS TEXT), SUM(n) FROM {CELLS} WHERE dimension = '' GROUP BY 1")
        return {key: int(number) for key, number in cursor.fetchall()}


def key_figures():
    """The home page's figures, nothing filtered, in one query on the cells: ({category:
    published members}, localities with a member, competences held by a member). Cells whose
    members have all left keep n = 0 on PostgreSQL, hence `n > 0`."""
    category, place = BY_PARAM["category"].key_sql(f"{CELLS}."), BY_PARAM["locality"].key_sql(f"{CELLS}.")
    sql = (
        f"SELECT 'category', CAST({category} AS TEXT), SUM(n) FROM {CELLS} WHERE dimension = '' GROUP BY 2"
        f" UNION ALL SELECT 'locality', '', COUNT(DISTINCT {place}) FROM {CELLS}"
        " WHERE dimension = '' AND n > 0"
        f" UNION ALL SELECT 'competence', '', COUNT(DISTINCT value) FROM {CELLS}"
        f" WHERE dimension = 'competence' AND dimension2 = %s AND n > 0"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ALL])
        rows = cursor.fetchall()
    categories = {key: int(number or 0) for kind, key, number in rows if kind == "category"}
    other = {kind: int(number or 0) for kind, _key, number in rows if kind != "category"}
    return categories, other["locality"], other["competence"]


def count_members(chosen, search, options):
    """({param: {option key: members}}, members listed): one query."""
    sql, params = count_query(chosen, search, options)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    counts = {}
    for param, key, number in rows:
        counts.setdefault(param, {})[key] = int(number or 0)
    for dimension in DIMENSIONS:
        if hasattr(dimension, "roll_up"):
            counts[dimension.param] = dimension.roll_up(counts.get(dimension.param, {}), options)
    return counts, counts.get("", {}).get("", 0)


def facets(chosen_values, chosen, search, options):
    """{param: Facet} of every dimension, in the panel's order, and the number of members listed."""
    counts, total = count_members(chosen, search, options)
    result = {}
    for dimension in DIMENSIONS:
        numbers, selected = counts.get(dimension.param, {}), set(chosen_values.get(dimension.param, ()))
        facet = result[dimension.param] = Facet(dimension, [])
        for option in options[dimension.param]:
            facet_option = FacetOption(
                option.value, option.label, numbers.get(option.key, 0), option.value in selected
            )
            facet.options.append(facet_option)
            if option.group:
                facet.groups.setdefault(option.group, []).append(facet_option)
    for dimension in DIMENSIONS:
        if dimension.nests:  # a county's checkbox is followed by its localities'
            nested = result[dimension.nests]
            nested.nested = True
            for option, facet_option in zip(
                options[dimension.param], result[dimension.param].options, strict=True
            ):
                facet_option.children = nested.groups.get(option.key, [])
    return result, total


def panel_key(facet_list):
    """What the filter panel shows, as a short key for its cached fragment."""
    state = [(o.value, o.count, o.selected) for facet in facet_list.values() for o in facet.options]
    return hashlib.sha1(repr(state).encode(), usedforsecurity=False).hexdigest()


# A list longer than this shows its TOP_OPTIONS options with the most members (and the chosen
# ones) and a "Show all" toggle: 34 competences would otherwise make the panel ~2,000 px long.
LONG_LIST = 12
TOP_OPTIONS = 8


def shorten(facet):
    """Mark the options of a long list beyond its top ones (by count; chosen ones always shown).

    The options stay in their usual order and groups, each rendered once: the panel's CSS hides
    the marked ones until the visitor opens "Show all", so no checkbox is ever duplicated."""
    if facet.nested or len(facet.options) <= LONG_LIST:
        return
    facet.shortened = True
    # A stable sort: when few options have members (an empty search), the first ones fill the list.
    by_count = sorted(facet.options, key=lambda o: -o.count)[:TOP_OPTIONS]
    top = {id(o) for o in by_count} | {id(o) for o in facet.selected}
    for option in facet.options:
        option.beyond_top = id(option) not in top


def panel(facet_list):
    """The filter panel: [(legend, [Facet])], one fieldset per section, nested facets left out."""
    sections = {}
    for facet in facet_list.values():
        if not facet.nested:
            shorten(facet)
            sections.setdefault(str(facet.dimension.legend), []).append(facet)
    return list(sections.items())


def group_counts(chosen, search, options):
    """{competence group id: members holding any of its competences} under the filters, the
    competence filter left out (as its facet): one query, for the statistics page.

    The members' sets of competences are counted first (a few thousand sets, however many
    members), then each set's distinct groups: joining 100,000 members' competence links instead
    took 1.5 s on PostgreSQL.
    """
    competence = BY_PARAM["competence"]
    where, params = _conditions(chosen, FACTS, options, leave_out=(competence.param,))
    if search:
        searched, search_params = search_condition(search, f"{FACTS}.")
        where, params = f"({where}) AND ({searched})", [*params, *search_params]
    ids = competence.array
    sets = f"SELECT {ids} AS ids, COUNT(*) AS n FROM {FACTS} WHERE {where} GROUP BY {ids}"
    pairs = (
        f"SELECT DISTINCT sets.ids, c.group_id, sets.n FROM ({sets}) AS sets, "
        f"{each(connection.vendor, 'sets.ids')}, {competence.model._meta.db_table} c WHERE c.id = v.value"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pairs.group_id, SUM(pairs.n) FROM ({pairs}) AS pairs GROUP BY 1", params)
        return {group_id: int(number) for group_id, number in cursor.fetchall()}


def selected_count(facet_list):
    """How many options are chosen: the "Filters (N)" of the panel, which a search is not."""
    return sum(len(facet.selected) for facet in facet_list.values())
