"""The site's URLs with a profile view that crashes, for the 500 page test."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path


def crash(request, slug):
    raise RuntimeError("secret detail: password=hunter2")


urlpatterns = i18n_patterns(path("members/<slug:slug>/", crash))
