"""The site's URLs plus `/bench/ok`, the framework floor: a view that does nothing but answer."""

from django.http import HttpResponse
from django.urls import path

from mechatrec.urls import urlpatterns as site_urlpatterns


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ok", ok), *site_urlpatterns]
