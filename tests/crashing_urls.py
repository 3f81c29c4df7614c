"""The site's URLs plus a page that crashes, for the 500 page test."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from mechatrec.urls import urlpatterns as site_urlpatterns


def crash(request):
    raise RuntimeError("secret detail: password=hunter2")


urlpatterns = i18n_patterns(path("crash/", crash)) + site_urlpatterns
