"""The read-only API (/api/v1/): the directory, its reference lists and the opportunities as JSON.

Every list is filtered by the same FilterSet as its HTML page (members.filters.MemberFilter,
opportunities.filters.OpportunityFilter), so `/api/v1/members/?competence=cnc` and
`/ro/members/?competence=cnc` list the same members. Only published members and open
opportunities are shown, with public fields only (api.schemas).

Errors are JSON: a value no option matches is a 400 that names it (the HTML page ignores it with
a message; a program is better told), an unknown slug a 404, too many requests a 429.
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import translation
from ninja import NinjaAPI, Query
from ninja.errors import ValidationError
from ninja.throttling import SimpleRateThrottle

from mechatrec.security import client_ip
from members.dimensions import MANY, label_members
from members.filters import MemberFilter, reference_options
from members.models import Member
from opportunities.filters import OpportunityFilter
from opportunities.models import Opportunity

from . import schemas
from .cursor import BadCursor, paginate
from .docs import Docs


class ClientThrottle(SimpleRateThrottle):
    """API_THROTTLE_RATE requests per client address (as login throttling sees it, behind the
    proxy too), counted in the shared cache, so every app server counts the same requests."""

    scope = "api"

    def get_cache_key(self, request):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


THROTTLE = ClientThrottle(settings.API_THROTTLE_RATE)
api = NinjaAPI(
    title="MECHATREC open data API",
    version="1",
    description=(
        "Read-only JSON of the MECHATREC member directory: published members (public fields only),"
        " competences, localities and open opportunities. Filters are the directory's own"
        " parameters; lists are paged with a cursor (follow each page's next address)."
    ),
    urls_namespace="api",
    docs=Docs(),
    docs_url="/explorer/",
    openapi_url="/openapi.json",
    throttle=[THROTTLE],
)


class BadRequest(Exception):
    """Input the API cannot answer: a 400 with the messages."""

    def __init__(self, messages):
        super().__init__(messages)
        self.messages = messages


@api.exception_handler(BadRequest)
def bad_request(request, exc):
    return api.create_response(request, {"detail": exc.messages}, status=400)


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc):
    """A parameter of the wrong type or outside its list: 400 (not ninja's 422), naming it."""
    messages = [f"{'.'.join(map(str, error['loc'][1:]))}: {error['msg']}" for error in exc.errors]
    return api.create_response(request, {"detail": messages}, status=400)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


ERRORS = {400: schemas.Error, 429: schemas.Error}


def _text(instance, field):
    return {"ro": getattr(instance, f"{field}_ro"), "en": getattr(instance, f"{field}_en")}


def _profile_url(request, member):
    with translation.override(settings.LANGUAGE_CODE):
        return request.build_absolute_uri(member.get_absolute_url())


def _member(request, member):
    """A member's public fields; `member` comes from label_members (its `held()` options)."""
    held = {d.param: [option.value for option in options] for d, options in member.held()}
    locality = member.locality
    return {
        "slug": member.slug,
        "name": member.name,
        "url": _profile_url(request, member),
        "category": member.category,
        "size": member.size,
        "founded": member.founded,
        "member_since": member.member_since,
        "website": member.website,
        "phone": member.phone,
        "address": member.address,
        "postal_code": member.postal_code,
        "locality": locality and {"slug": locality.slug, "name": locality.name, "county": locality.county},
        "short_description": _text(member, "short_description"),
        "offers_subcontracting": member.offers_subcontracting,
        "seeks_partners": member.seeks_partners,
        **{d.export_column: held.get(d.param, []) for d in MANY},
    }


def _next_url(request, cursor):
    if cursor is None:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _labels():
    """{param: {value: {"ro": label, "en": label}}} of every option (cached per language)."""
    labels = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for param, options in reference_options()[1].items():
                for option in options:
                    labels.setdefault(param, {}).setdefault(option.value, {})[language] = option.label
    return labels


def _facets(facet_list):
    labels = _labels()
    return {
        param: [
            {
                "value": option.value,
                "label": labels[param][option.value],
                "count": option.count,
                "selected": option.selected,
            }
            for option in facet.options
        ]
        for param, facet in facet_list.items()
    }


def _page(query, ordering, cursor, limit, order_name):
    try:
        return paginate(query, ordering, cursor, limit, order_name)
    except BadCursor as error:
        raise BadRequest([f"cursor: {error}"]) from None


@api.get("/members/", response={200: schemas.MemberPage, **ERRORS}, tags=["members"])
def members(request, filters: Query[schemas.MemberQuery]):
    """Published members, filtered and sorted as the directory is (its query parameters)."""
    filterset = MemberFilter(request.GET)
    problems = filterset.problems
    if problems:
        raise BadRequest(problems)
    rows = filterset.qs  # runs the filters, which also settle the order (a search ranks names first)
    order_name = (
        f"{filterset.sort_value}:{'ranked' if filterset.words and not filterset.value('sort') else ''}"
    )
    facts, cursor = _page(rows, filterset.ordering, filters.cursor, filters.limit, order_name)
    position = {fact.pk: index for index, fact in enumerate(facts)}
    page = Member.objects.filter(pk__in=position).select_related("locality")
    page = label_members(sorted(page, key=lambda member: position[member.pk]), filterset.options)
    answer = {"next": _next_url(request, cursor), "results": [_member(request, m) for m in page]}
    # The count comes with the facet counts, in one query that mostly sums the counting tables
    # (members.facets): at 100,000 members it is cheaper than COUNT(*) over the matching rows.
    facet_list, answer["count"] = filterset.facets()
    if filters.facets:
        answer["facets"] = _facets(facet_list)
    return answer


@api.get(
    "/members/{slug}/",
    response={200: schemas.MemberDetail, 404: schemas.Error, 429: schemas.Error},
    tags=["members"],
)
def member(request, slug: str):
    """One published member, with the contact persons who consented to be shown."""
    found = get_object_or_404(Member.objects.published().select_related("locality"), slug=slug)
    [found] = label_members([found], reference_options()[1])
    return {
        **_member(request, found),
        "description": _text(found, "description"),
        "verified_on": found.verified_on,
        "logo": request.build_absolute_uri(found.logo.url) if found.logo else None,
        "contacts": [
            {"name": person.name, "role": person.role, "phone": person.phone}
            for person in found.contacts.public()
        ],
    }


def _all_counts():
    """{param: {value: published members}} with nothing filtered: one query (the counting cells)."""
    facet_list, _total = MemberFilter({}).facets()
    return {param: {o.value: o.count for o in facet.options} for param, facet in facet_list.items()}


@api.get("/competences/", response={200: list[schemas.CompetenceOut], 429: schemas.Error}, tags=["reference"])
def competences(request):
    """The competence taxonomy, in its order, with how many published members hold each."""
    counts = _all_counts()["competence"]
    return [
        {
            "slug": row.slug,
            "name": _text(row, "name"),
            "group": {"slug": row.group.slug, "name": _text(row.group, "name")},
            "members": counts.get(row.slug, 0),
        }
        for row in reference_options()[0]["competence"]
    ]


@api.get("/localities/", response={200: list[schemas.LocalityOut], 429: schemas.Error}, tags=["reference"])
def localities(request):
    """The gazetteer (Bucharest–Ilfov), by county and name, with how many published members each has."""
    counts = _all_counts()["locality"]
    return [
        {
            "slug": row.slug,
            "name": row.name,
            "county": row.county,
            "kind": row.kind,
            "latitude": row.latitude,
            "longitude": row.longitude,
            "members": counts.get(row.slug, 0),
        }
        for row in reference_options()[0]["place"]
    ]


def _opportunity(request, item):
    poster = item.poster
    with translation.override(settings.LANGUAGE_CODE):
        url = request.build_absolute_uri(item.get_absolute_url())
    return {
        "slug": item.slug,
        "url": url,
        "kind": item.kind,
        "title": _text(item, "title"),
        "description": _text(item, "description"),
        # Unpublished members never leave the admin (MemberQuerySet.published): such a poster
        # is named by neither.
        "poster": {"office": False, "name": poster.name, "slug": poster.slug}
        if poster and poster.is_published
        else {"office": not poster, "name": None, "slug": None},
        "competences": [row.slug for row in item.competences.all()],
        "certifications": [row.slug for row in item.certifications.all()],
        **{
            field: getattr(item, field)
            for field in (
                "place",
                "deadline",
                "expires_on",
                "call_identifier",
                "programme",
                "role",
                "quantity",
                "trl",
                "ip_status",
                "published_at",
            )
        },
    }


@api.get("/opportunities/", response={200: schemas.OpportunityPage, **ERRORS}, tags=["opportunities"])
def opportunities(request, filters: Query[schemas.OpportunityQuery]):
    """Open opportunities, filtered as the board is (its query parameters), soonest expiry first."""
    filterset = OpportunityFilter(request.GET)
    problems = [str(problem) for problem in filterset.problems]
    problems += [f"{name}: {error}" for name, errors in filterset.errors.items() for error in errors]
    if problems:
        raise BadRequest(problems)
    rows = filterset.results
    items, cursor = _page(rows, ("expires_on", "pk"), filters.cursor, filters.limit, "expiry")
    return {
        "count": rows.count(),
        "next": _next_url(request, cursor),
        "results": [_opportunity(request, item) for item in items],
    }


@api.get(
    "/opportunities/{slug}/",
    response={200: schemas.OpportunityOut, 404: schemas.Error, 429: schemas.Error},
    tags=["opportunities"],
)
def opportunity(request, slug: str):
    """One open opportunity."""
    found = get_object_or_404(
        Opportunity.objects.open().select_related("poster").prefetch_related("competences", "certifications"),
        slug=slug,
    )
    return _opportunity(request, found)
