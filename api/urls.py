"""The API's addresses (/api/v1/…), each answered through the page cache and open to other sites.

ninja makes one Django view per path; each is wrapped here:
- members.cache.public_page: an anonymous GET is served from the cache, keyed on the canonical
  query (recognised parameters only), with the same Cache-Control and ETag as the pages, so a
  change to any member is visible at once and junk parameters cannot fill the cache. Only 200s
  are stored; a cached answer is not counted by the throttle (it costs nothing).
- CORS: `Access-Control-Allow-Origin: *` on every answer. The API is read-only, public and
  cookie-free (no credentials are allowed), so any site's scripts may read it. A plain GET needs
  no preflight; a script that adds a header of its own gets its OPTIONS answered here. These few
  headers are all django-cors-headers would add, so it is not needed.
"""

from functools import wraps

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path

from members.cache import public_page
from members.filters import PARAMETERS
from opportunities.filters import DIMENSIONS as OPPORTUNITY_DIMENSIONS

from . import pages, schemas
from .views import api

ALLOWED = "GET, HEAD, OPTIONS"
PAGING = {"cursor": False, "limit": False}
# {path: the query parameters it recognises ({name: may repeat})}; other paths take none.
RECOGNISED = {
    "members/": {name: repeats for name, repeats in PARAMETERS.items() if name != "page"}
    | {"facets": False}
    | PAGING,
    "opportunities/": {"q": False, "trl_min": False, "trl_max": False}
    | {d.param: True for d in OPPORTUNITY_DIMENSIONS}
    | PAGING,
}


REFUSING_EMPTY = {
    "members/": schemas.refusing_empty(schemas.MemberQuery),
    "opportunities/": schemas.refusing_empty(schemas.OpportunityQuery),
}


def no_empty_values(view, names):
    """A 400 for `?sort=` and the like (see schemas.refusing_empty), before the page cache."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        empty = sorted(name for name in names if "" in request.GET.getlist(name))
        if empty:
            return api.create_response(
                request,
                {"detail": [f"{name}: an empty value; leave it out instead" for name in empty]},
                status=400,
            )
        return view(request, *args, **kwargs)

    return checked


def open_to_all(view):
    """CORS for reading: any origin, GET and HEAD (a HEAD is answered as the GET, without the
    body), an OPTIONS preflight answered at once; any other method is a JSON 405."""

    @wraps(view)
    def with_cors(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOWED
            response["Access-Control-Allow-Headers"] = "*"
            response["Access-Control-Max-Age"] = "86400"
        elif request.method in ("GET", "HEAD"):
            head, request.method = request.method == "HEAD", "GET"
            response = view(request, *args, **kwargs)
            if head:
                response.content = b""
        else:
            response = api.create_response(request, {"detail": "Read only: use GET."}, status=405)
        if response.status_code == 405:
            response["Allow"] = ALLOWED
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return with_cors


@open_to_all
def unknown_address(request, rest):
    return api.create_response(request, {"detail": "Not found."}, status=404)


def docs_first(request):
    return redirect("api:docs")


def _wrapped(pattern):
    route = str(pattern.pattern)
    if pattern.name == "api-root":  # ninja's placeholder (a 404) for /api/v1/ itself
        return URLPattern(pattern.pattern, docs_first, pattern.default_args, pattern.name)
    view = public_page(pattern.callback, parameters=RECOGNISED.get(route, {}))
    view = open_to_all(no_empty_values(view, REFUSING_EMPTY.get(route, ())))
    return URLPattern(pattern.pattern, view, pattern.default_args, pattern.name)


app_name = api.urls_namespace  # ninja reverses its own addresses in this namespace ("api:…")
urlpatterns = [_wrapped(pattern) for pattern in api.urls[0]] + [
    path("docs/", open_to_all(public_page(pages.docs)), name="docs"),
    path("<path:rest>", unknown_address),  # last: any other address under /api/v1/
]
