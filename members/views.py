"""Public pages: parse → filter → page → render. Exports stream."""

import csv
import json
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from . import cache, spreadsheet
from .cache import public_page
from .columns import PUBLIC_COLUMNS, export_rows, neutralise_formula
from .composition import composition
from .dimensions import label_members
from .facets import key_figures, panel, panel_key, selected_count
from .feeds import NewMembersFeed
from .filters import PARAMETERS, MemberFilter, chips, query_without, reference_options, ways_out
from .models import Member
from .vcard import member_vcard

PAGE_SIZE = 24
SIMILAR_COUNT = 4
# Rows fetched per round trip when streaming an export (plus one query per chunk for its links).
EXPORT_CHUNK = 2000


NEWEST_COUNT = 4


@public_page
def home(request):
    # From the counting tables: the same few hundred cells at 144 or 100,000 members (one
    # query); then the newest members (one query).
    categories, localities, competences = key_figures()
    figures = {
        "members": sum(categories.values()),
        "rd": categories.get(Member.Category.RD, 0),
        "competences": competences,
        "localities": localities,
    }
    return render(
        request,
        "home.html",
        {
            "composition": composition(counts=categories),
            "figures": figures,
            "newest": Member.objects.newest(NEWEST_COUNT),
        },
    )


@public_page(parameters=PARAMETERS)
def directory(request):
    filterset = MemberFilter(request.GET)
    facets, total = filterset.facets()
    paginator = Paginator(filterset.qs.values_list("member_id", flat=True), PAGE_SIZE)
    paginator.count = total  # counted with the facets, in the same query
    page = paginator.get_page(request.GET.get("page"))
    members = label_members(filterset.members_of(page), filterset.options)
    chip_list = chips(filterset, facets)
    export_query = query_without(filterset)
    # What a profile's "Back to results" returns to: this page's filters, sort and page number.
    results_query = export_query
    if page.number > 1:
        results_query += ("&" if results_query else "") + f"page={page.number}"
    response = render(
        request,
        "members/directory.html",
        {
            "filterset": filterset,
            "page": page,
            "members": members,
            "facets": facets,
            "panel": panel(facets),
            "panel_key": panel_key(facets),
            "cache_version": cache.version(),
            "chips": chip_list,
            "filter_count": selected_count(facets),  # the search is not a filter
            # (search chip, members) and [(filter chip, members)] when nobody is listed
            "ways_out": (None, []) if total else ways_out(chip_list),
            "export_query": export_query,
            "from_query": urlencode({"from": results_query}) if results_query else "",
        },
    )
    if filterset.ignored:  # values no link of ours holds: answered, never stored
        patch_cache_control(response, no_store=True)
    return response


def back_to_results(request):
    """The directory address a profile's "Back to results" links to, from its `from` parameter
    (the directory's query string, which the cards carry), or "" when there is none. Only the
    directory's own parameters survive, so the link can never lead elsewhere."""
    query, _within = cache.canonical_query(QueryDict(request.GET.get("from", "")), PARAMETERS)
    # The page's canonical, hreflang and og:url links name the profile, not the list it was
    # reached from (the page cache has already keyed the answer on the full address).
    request.META["QUERY_STRING"] = ""
    return f"{reverse('members:directory')}?{query}" if query else ""


@public_page(parameters={"from": False})
def profile(request, slug):
    member = get_object_or_404(Member.objects.published().select_related("locality"), slug=slug)
    [member] = label_members([member], reference_options()[1])
    held = member.held()  # every many-valued dimension's options: one query
    competence_ids = [int(option.key) for d, options in held if d.param == "competence" for option in options]
    return render(
        request,
        "members/profile.html",
        {
            "member": member,
            "held": held,
            "contacts": list(member.contacts.public()),
            "similar": Member.objects.similar_to(member.pk, competence_ids, SIMILAR_COUNT),
            "json_ld": organisation_json_ld(request, member),
            "back_to_results": back_to_results(request),
        },
    )


# JSON inside <script> must not contain "</script>" or "<!--": escape the characters that could.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


def organisation_json_ld(request, member):
    """schema.org Organization data. No e-mail addresses: they are kept out of the page source."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": member.name,
        "url": request.build_absolute_uri(member.get_absolute_url()),
        "description": member.short_description,
    }
    if member.website:
        data["sameAs"] = [member.website]
    if member.logo:
        data["logo"] = request.build_absolute_uri(member.logo.url)
    if member.founded:
        data["foundingDate"] = str(member.founded)
    if member.locality:
        address = {"@type": "PostalAddress", "addressLocality": member.locality.name, "addressCountry": "RO"}
        address |= {"streetAddress": member.address} if member.address else {}
        address |= {"postalCode": member.postal_code} if member.postal_code else {}
        data["address"] = address
    escaped = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_SAFE)
    # Safe: every character that could end the script element is escaped just above.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(escaped))  # noqa: S308


# --- Exports: exactly the filtered set, all pages, public fields only ----------------------------


def _export_rows(request):
    """The filter, its members and their rows: the public columns only, no e-mail addresses
    (see columns.PUBLIC_COLUMNS)."""
    filterset = MemberFilter(request.GET)
    members = filterset.members()
    return filterset, members, export_rows(members, chunk_size=EXPORT_CHUNK, columns=PUBLIC_COLUMNS)


def _attachment(response, filterset, extension):
    """A download named after what was filtered, as the Excel file is."""
    name = spreadsheet.file_name(filterset, timezone.localdate(), extension)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class _Echo:
    """csv.writer writes into this and gets the line back, so rows can be streamed."""

    def write(self, value):
        return value


def export_csv(request):
    filterset, _members, rows = _export_rows(request)
    writer = csv.DictWriter(_Echo(), fieldnames=PUBLIC_COLUMNS)

    def lines():
        yield "\ufeff"  # BOM: spreadsheet programs then read the file as UTF-8
        yield writer.writeheader()
        # A few hundred rows per write: one tiny network write per row would dominate the time.
        batch = []
        for row in rows:
            batch.append(writer.writerow({key: neutralise_formula(value) for key, value in row.items()}))
            if len(batch) == 500:
                yield "".join(batch)
                batch = []
        yield "".join(batch)

    return _attachment(
        StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8"), filterset, "csv"
    )


def export_json(request):
    filterset, members, rows = _export_rows(request)

    def chunks():
        yield f'{{"count": {members.count()}, "results": ['
        for index, row in enumerate(rows):
            yield ("," if index else "") + json.dumps(row, ensure_ascii=False)
        yield "]}"

    return _attachment(StreamingHttpResponse(chunks(), content_type="application/json"), filterset, "json")


# --- Open data: an Excel file, a vCard per member, a feed of new members --------------------------

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@public_page(parameters=PARAMETERS)
def export_xlsx(request):
    """The filtered directory as a workbook for people: labels, not codes (members.spreadsheet).
    Built in memory, so a selection above XLSX_MAX_ROWS is refused with a pointer to the CSV."""
    filterset = MemberFilter(request.GET)
    members = filterset.members()
    count = members.count()
    query = query_without(filterset)
    if count > settings.XLSX_MAX_ROWS:
        context = {"count": count, "limit": settings.XLSX_MAX_ROWS, "export_query": query}
        return render(request, "members/export_too_large.html", context, status=400)
    # One reverse() for every row: the slug is put in place of a placeholder.
    before, _slug, after = request.build_absolute_uri(reverse("members:profile", args=["slug"])).rpartition(
        "slug"
    )
    content = spreadsheet.workbook(members, filterset.options, lambda slug: before + slug + after)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    name = spreadsheet.file_name(filterset, timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    if filterset.ignored:  # values no link of ours holds: answered, never stored
        patch_cache_control(response, no_store=True)
    return response


@public_page
def vcard(request, slug):
    """The organisation's public data as a card for an address book (members.vcard)."""
    member = get_object_or_404(Member.objects.published().select_related("locality"), slug=slug)
    profile_url = request.build_absolute_uri(member.get_absolute_url())
    card = member_vcard(member, profile_url, request.build_absolute_uri(request.path))
    response = HttpResponse(card, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{member.slug}.vcf"'
    return response


@public_page
def feed(request):
    """The Atom feed of newly published members (members.feeds), cached like the pages."""
    return NewMembersFeed()(request)
