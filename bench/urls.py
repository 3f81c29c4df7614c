"""The site's URLs plus two anchors for the benchmark, never part of the public site.

`/bench/ok` is the framework floor: a view that does nothing but answer. `/bench/straightforward/`
is the issue's straightforward directory page (bench/straightforward.py).
"""

from django.http import HttpResponse
from django.urls import path

from bench.straightforward import straightforward_directory
from mechatrec.urls import urlpatterns as site_urlpatterns


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/ok", ok),
    path("bench/straightforward/", straightforward_directory),
    *site_urlpatterns,
]
