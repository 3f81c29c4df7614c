"""Counts beside every filter option, each dimension counted with every *other* filter applied.

One function per dimension, each one `GROUP BY` (or one aggregate) over
`filterset.filtered_without(<its own filters>)`, so the other options keep meaningful counts
while one is selected. Locality and county are one "place" dimension: a member has one
locality, and a county's count is the sum of its localities', so both come from one query.
This is where facet performance work goes (e.g. materialised counts at 100,000 members).
"""

from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count, Q

from .models import Member


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


def _grouped_counts(queryset, field):
    return dict(queryset.order_by().values_list(field).annotate(n=Count("pk")))


def category_options(filterset):
    counts = _grouped_counts(filterset.filtered_without("category"), "category")
    chosen = filterset.value("category")
    return [
        Option(code, label, counts.get(code, 0), code in chosen) for code, label in Member.Category.choices
    ]


def size_options(filterset):
    counts = _grouped_counts(filterset.filtered_without("size"), "size")
    chosen = filterset.value("size")
    return [Option(code, label, counts.get(code, 0), code in chosen) for code, label in Member.Size.choices]


def competence_groups(filterset):
    """Competences grouped as in the taxonomy, counted in one GROUP BY on the link table."""
    members = filterset.filtered_without("competence").order_by().values("pk")
    counts = dict(
        Member.competences.through.objects.filter(member_id__in=members)
        .values_list("competence_id")
        .annotate(n=Count("member_id"))
        .order_by()
    )
    chosen = filterset.value("competence")
    groups = []
    for group, competences in groupby(filterset.reference.competences, key=lambda c: c.group):
        options = [Option(c.slug, c.name, counts.get(c.pk, 0), c.slug in chosen) for c in competences]
        groups.append(Group(group.name, options))
    return groups


def place_groups(filterset):
    """Counties, each with its localities. One GROUP BY locality, without the place filters.

    Locality counts then respect a chosen county and county counts a chosen locality, exactly as
    the AND of the two parameters would, because a locality lies in one county.
    """
    counts = _grouped_counts(filterset.filtered_without("locality", "county"), "locality_id")
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


def flag_options(filterset):
    """Both flags in one aggregate; each counted without its own filter but with the other's."""
    subcontracting = Q(offers_subcontracting=True)
    partners = Q(seeks_partners=True)
    counts = filterset.filtered_without("subcontracting", "partners").aggregate(
        subcontracting=Count(
            "pk", filter=subcontracting & (partners if filterset.value("partners") else Q())
        ),
        partners=Count(
            "pk", filter=partners & (subcontracting if filterset.value("subcontracting") else Q())
        ),
    )
    return {
        name: Option(
            "1",
            str(filterset.filters[name].extra["choices"][0][1]),
            counts[name],
            bool(filterset.value(name)),
        )
        for name in ("subcontracting", "partners")
    }


def facet_counts(filterset):
    """Every dimension's options with counts: five queries whatever the filters or page size."""
    return {
        "category": category_options(filterset),
        "competence": competence_groups(filterset),
        "place": place_groups(filterset),
        "size": size_options(filterset),
        "flags": flag_options(filterset),
    }
