"""The cluster at a glance: /statistics/ (charts with their tables and CSV files) and /map/
(members by locality). Both follow the directory's filters and are cached like its pages."""

import csv
import io
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from .cache import public_page
from .columns import neutralise_formula
from .filters import PARAMETERS, MemberFilter, chips, query_without
from .statistics import CHART_SLUGS, charts

# The directory's filters; no page or sort: they change nothing here and would only split the cache.
FILTERS = {name: repeats for name, repeats in PARAMETERS.items() if name not in ("page", "sort")}
# Members listed in a map marker's pop-up; the rest are a click away in the directory.
MAP_MEMBERS = 30


def _no_store_if_ignored(response, filterset):
    if filterset.ignored:  # values no link of ours holds: answered, never stored (as the directory)
        patch_cache_control(response, no_store=True)
    return response


@public_page(parameters=FILTERS)
def statistics(request):
    filterset = MemberFilter(request.GET)
    facets, total = filterset.facets()
    query = query_without(filterset)
    response = render(
        request,
        "members/statistics.html",
        {
            "filterset": filterset,
            "total": total,
            "charts": charts(filterset, facets),
            "chips": chips(filterset, facets),
            "query": query,
            "directory_url": _with_query(reverse("members:directory"), query),
            "map_url": _with_query(reverse("members:map"), query),
        },
    )
    return _no_store_if_ignored(response, filterset)


@public_page(parameters=FILTERS)
def _chart_csv(request, chart):
    filterset = MemberFilter(request.GET)
    facets, _total = filterset.facets()
    [found] = [c for c in charts(filterset, facets) if c.slug == chart]
    content = io.StringIO()
    writer = csv.writer(content)
    writer.writerow(found.columns)
    writer.writerows([neutralise_formula(value) for value in row] for row in found.rows())
    # BOM: spreadsheet programs then read the file as UTF-8
    response = HttpResponse("\ufeff" + content.getvalue(), content_type="text/csv; charset=utf-8")
    return _no_store_if_ignored(response, filterset)


def statistics_csv(request, chart):
    """One chart's table as CSV. (The page cache keeps a body and its type only: the file name is
    added to every answer, stored or not.)"""
    if chart not in CHART_SLUGS:
        raise Http404("No such chart")
    response = _chart_csv(request, chart)
    if response.status_code == 200:
        stamp = timezone.localdate().isoformat()
        name = f"mechatrec-statistics-{chart}-{stamp}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _with_query(url, query):
    return f"{url}?{query}" if query else url


@public_page(parameters=FILTERS)
def member_map(request):
    filterset = MemberFilter(request.GET)
    facets, total = filterset.facets()
    others = query_without(filterset, "locality")  # each marker's link replaces the place filter
    coordinates = {str(row.pk): row for row in filterset.rows["place"]}
    directory, members_url = reverse("members:directory"), reverse("members:map_members")
    places = []
    for option, facet_option in zip(filterset.options["locality"], facets["locality"].options, strict=True):
        if not facet_option.count:
            continue
        row = coordinates[option.key]
        query = "&".join(filter(None, [others, urlencode({"locality": option.value})]))
        places.append(
            {
                "slug": option.value,
                "name": option.label,
                "county": option.group,
                "count": facet_option.count,
                "lat": float(row.latitude) if row.latitude is not None else None,
                "lon": float(row.longitude) if row.longitude is not None else None,
                "url": f"{directory}?{query}",
                "members": f"{members_url}?{query}",
            }
        )
    query = query_without(filterset)
    response = render(
        request,
        "members/map.html",
        {
            "filterset": filterset,
            "total": total,
            "places": places,
            "chips": chips(filterset, facets),
            "tiles": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION},
            "directory_url": _with_query(directory, query),
            "statistics_url": _with_query(reverse("members:statistics"), query),
        },
    )
    return _no_store_if_ignored(response, filterset)


@public_page(parameters=FILTERS)
def map_members(request):
    """A marker's pop-up: the first members (name and profile address) of one locality under the
    directory's filters, as JSON."""
    filterset = MemberFilter(request.GET)
    if len(filterset.chosen_values.get("locality", [])) != 1:
        return JsonResponse({"error": "Give exactly one known locality."}, status=400)
    members = filterset.members().values_list("name", "slug")
    listed = list(members[: MAP_MEMBERS + 1])
    return JsonResponse(
        {
            "members": [
                {"name": name, "url": reverse("members:profile", args=[slug])}
                for name, slug in listed[:MAP_MEMBERS]
            ],
            "more": len(listed) > MAP_MEMBERS,
        }
    )
