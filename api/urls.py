"""The API's addresses (/api/v1/…), each answered through the page cache and open to other sites.

ninja makes one Django view per path; each is wrapped here:
- members.cache.public_page: an anonymous GET is served from the cache, keyed on the canonical
  query (recognised parameters only), with the same Cache-Control and ETag as the pages, so a
  change to any member is visible at once and junk parameters cannot fill the cache. Only 200s
  are stored; a cached answer is not counted by the throttle (it costs nothing).
- CORS: `Access-Control-Allow-Origin: *` on every answer. The API is read-only, public and
  cookie-free (no credentials are allowed), so any site's scripts may read it; a plain GET needs
  no preflight, so no OPTIONS handling is needed.
"""

from functools import wraps

from django.urls import URLPattern

from members.cache import public_page
from members.filters import PARAMETERS
from opportunities.filters import DIMENSIONS as OPPORTUNITY_DIMENSIONS

from .views import api

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


def open_to_all(view):
    @wraps(view)
    def with_cors(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return with_cors


def _wrapped(pattern):
    route = str(pattern.pattern)
    view = open_to_all(public_page(pattern.callback, parameters=RECOGNISED.get(route, {})))
    return URLPattern(pattern.pattern, view, pattern.default_args, pattern.name)


_patterns, app_name, namespace = api.urls
urlpatterns = [_wrapped(pattern) for pattern in _patterns]
