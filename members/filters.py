"""What a visitor may filter and sort the directory by: the one definition.

The HTML directory, the CSV/JSON exports and the facets all use `MemberFilter`, so a shared link
means the same everywhere. Its filters are derived from members.dimensions; every value is a
code or slug from a fixed list, and no value from the query string ever reaches `order_by` or a
field name. Several values of one parameter are OR-ed; different parameters are AND-ed.
"""

from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import BooleanField, Case, Count, F, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from . import cache
from .counting import search_condition
from .dimensions import DIMENSIONS, load_options, load_rows
from .facets import facets
from .models import Member, MemberFacts, expand_search, search_terms
from .text import search_words

# sort value → (label, order_by). Ties are broken by name so pages are stable.
# (The columns are the facts' copies, members.counting.SORT_COLUMNS.)
SORTS = {
    "name": (_("Name (A–Z)"), ("name_key",)),
    "newest": (
        _("Newest members first"),
        (F("member_since").desc(nulls_last=True), "name_key"),
    ),
    "oldest-founded": (
        _("Oldest founded first"),
        (F("founded").asc(nulls_last=True), "name_key"),
    ),
    "youngest-founded": (
        _("Youngest founded first"),
        (F("founded").desc(nulls_last=True), "name_key"),
    ),
}
DEFAULT_SORT = "name"
MAX_IGNORED = 20  # unknown values reported back to the visitor, at most


def _raw_condition(sql, params):
    return RawSQL(sql, params, output_field=BooleanField())  # noqa: S611 (generated text; values are params)


class KnownValuesField(forms.MultipleChoiceField):
    """A dimension's values as given, once MemberFilter has dropped those matching no option: the
    form need not copy and check every competence and locality again on every request."""

    def valid_value(self, value):
        return True


def reference_options():
    """(reference rows, {param: [Option]} in the current language), cached until anything in the
    directory changes (members.cache)."""
    rows = cache.get_or_set("reference-rows", load_rows, timeout=3600)
    options = cache.get_or_set(f"options-{get_language()}", lambda: load_options(rows), timeout=3600)
    return rows, options


# The query parameters a directory address may carry ({name: may repeat}): the page cache keys
# on these only, and the page's links carry nothing else (members.cache.public_page).
PARAMETERS = {"q": False, "sort": False, "page": False} | {d.param: d.repeatable for d in DIMENSIONS}


class DimensionFilter(django_filters.MultipleChoiceFilter):
    field_class = KnownValuesField


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    sort = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        label=_("Sort by"),
        method="filter_sort",
        empty_label=None,
    )

    class Meta:
        model = MemberFacts  # the directory lists the members' facts (members.counting), then reads a page
        fields = []

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        for d in DIMENSIONS:
            filters[d.param] = DimensionFilter(field_name=d.param, label=d.label, method="filter_dimension")
        return filters

    def __init__(self, data=None, queryset=None, **kwargs):
        self.ordering = SORTS[DEFAULT_SORT][1]
        if queryset is None:
            queryset = MemberFacts.objects.order_by(*self.ordering)
        super().__init__(data, queryset, **kwargs)
        self.rows, self.options = reference_options()
        self.ignored = []  # (filter label, value): what the visitor sent that matches no option
        if self.is_bound:
            self.data = self._known_values_only(self.data)

    def _known_values_only(self, data):
        """Drop values that match no option, noting them, so a stale link still filters by the rest."""
        if isinstance(data, QueryDict):
            data = data.copy()
        else:  # tests and other callers may pass a plain dict of strings or lists
            data, plain = QueryDict(mutable=True), data
            for key, value in plain.items():
                data.setlist(
                    key, [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
                )
        for dimension in DIMENSIONS:
            known = {option.value for option in self.options[dimension.param]}
            values = list(dict.fromkeys(data.getlist(dimension.param)))
            for value in values:
                if value not in known and value and len(self.ignored) < MAX_IGNORED:
                    self.ignored.append((dimension.label, value))
            kept = [value for value in values if value in known]
            data.setlist(dimension.param, kept if dimension.repeatable else kept[:1])
        if data.get("sort") not in SORTS and data.get("sort"):
            self.ignored.append((self.filters["sort"].label, data["sort"]))
            data.pop("sort")
        return data

    # --- what each filter does ------------------------------------------------------------------

    def filter_dimension(self, queryset, name, value):
        return queryset.filter(_raw_condition(*self._condition(name)))

    def _condition(self, name):
        keys = self.chosen[name]
        # Unqualified columns: the facts are this query's only table, even as another's subquery.
        return next(d for d in DIMENSIONS if d.param == name).condition(keys, "", self.options)

    def filter_search(self, queryset, name, value):
        if not self.search:
            return queryset
        queryset = queryset.filter(_raw_condition(*search_condition(self.search)))
        if not self.form.cleaned_data.get("sort"):  # members whose name has every word come first
            in_name = Q()
            for word in self.words:
                in_name &= Q(name_key__startswith=word) | Q(name_key__contains=" " + word)
            first = Case(When(in_name, then=Value(0)), default=Value(1), output_field=IntegerField())
            self.ordering = (first, "name_key")
            return queryset.order_by(*self.ordering)
        return queryset

    def filter_sort(self, queryset, name, value):
        self.ordering = SORTS[value][1]
        return queryset.order_by(*self.ordering)

    # --- what views, facets and templates read ---------------------------------------------------

    def value(self, name):
        """The cleaned value of one filter (a list for the dimensions)."""
        self.errors  # noqa: B018 (runs validation once)
        value = self.form.cleaned_data.get(name)
        return (value or []) if isinstance(self.filters.get(name), DimensionFilter) else (value or "")

    @cached_property
    def chosen_values(self):
        """{param: [chosen values as in the URL]} of the active dimension filters."""
        values = {dimension.param: self.value(dimension.param) for dimension in DIMENSIONS}
        return {param: chosen for param, chosen in values.items() if chosen}

    @cached_property
    def chosen(self):
        """{param: [option keys]} of the active dimension filters, as the counting tables name them."""
        result = {}
        for param, values in self.chosen_values.items():
            key_of = {option.value: option.key for option in self.options[param]}
            result[param] = [key_of[value] for value in values]
        return result

    @cached_property
    def words(self):
        return search_words(self.value("q"))

    @cached_property
    def search(self):
        """The search's words, each with the reference rows it names (members.models.expand_search)."""
        if not self.words:
            return []
        rows = [row for kind in self.rows.values() for row in kind]
        terms = cache.get_or_set("search-terms", lambda: search_terms(rows), timeout=3600)
        return expand_search(self.value("q"), terms)

    @property
    def query(self):
        """The search text as typed (for the search box)."""
        return self.value("q")

    @property
    def sort_value(self):
        return self.value("sort") or DEFAULT_SORT

    def members(self):
        """The filtered members, in name order (exports)."""
        return Member.objects.filter(pk__in=self.qs.values("member_id")).order_by("name_key")

    def members_of(self, page):
        """The members of a page of `qs`, in its order, with their localities: one query, the
        page's ids its subquery. (The sort keys are members' columns the facts copy.)"""
        self.qs  # noqa: B018 (filters first: `ordering` is the filtering's)
        members = Member.objects.filter(pk__in=page.object_list).select_related("locality")
        return members.order_by(*self.ordering)

    def facets(self):
        """({param: Facet}, members listed): every dimension counted with the other filters."""
        return facets(self.chosen_values, self.chosen, self.search, self.options)

    @property
    def problems(self):
        """Messages for the visitor about input that was ignored (shown above the results)."""
        messages = [
            gettext("Unknown %(filter)s “%(value)s” was ignored.")
            % {"filter": str(label).lower(), "value": value}
            for label, value in self.ignored
        ]
        for name, errors in self.errors.items():
            messages += [f"{self.filters[name].label}: {error}" for error in errors]
        return messages


@dataclass
class Chip:
    """One active filter value, with the query string that removes just it."""

    label: str
    remove_query: str
    param: str = ""  # "q" for the search


def chips(filterset, facet_list):
    """The active filters as removable chips, in the order of the filter panel."""
    result = []
    if filterset.query:
        text = gettext("Search: “%(q)s”") % {"q": filterset.query}
        result.append(Chip(text, query_without(filterset, "q"), "q"))
    for facet in facet_list.values():
        for option in facet.selected:
            result.append(
                Chip(option.label, query_without(filterset, facet.param, option.value), facet.param)
            )
    return result


# An empty page counts what removing each filter would list, for this many filters at most.
MAX_WAYS_OUT = 8


def ways_out(chip_list):
    """For a page that lists nobody, what removing one filter would list: ((search chip, members
    listed without the search) or None, [(filter chip, members listed without it)] for the
    filters whose removal lists someone). One query on empty pages only: a count per chip, each
    filtered by that chip's filterset as a subquery."""
    chip_list = chip_list[:MAX_WAYS_OUT]
    if not chip_list:
        return None, []
    counts = MemberFacts.objects.aggregate(
        **{
            f"without_{index}": Count(
                "pk", filter=Q(pk__in=MemberFilter(QueryDict(chip.remove_query)).qs.values("pk"))
            )
            for index, chip in enumerate(chip_list)
        }
    )
    search, filters = None, []
    for index, chip in enumerate(chip_list):
        total = counts[f"without_{index}"]
        if chip.param == "q":
            search = (chip, total)
        elif total:
            filters.append((chip, total))
    return search, filters


def query_without(filterset, name=None, value=None):
    """The active filters and sort as a query string, without one value of `name` (all if None)."""
    pairs = [("q", filterset.query)] if filterset.query else []
    for param, values in filterset.chosen_values.items():
        pairs += [(param, v) for v in values]
    if filterset.value("sort"):
        pairs.append(("sort", filterset.value("sort")))
    return urlencode([(k, v) for k, v in pairs if k != name or (value is not None and v != value)])
