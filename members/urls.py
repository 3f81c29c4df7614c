from django.urls import path

from . import legal, pages, self_service_views, views

app_name = "members"
urlpatterns = [
    path("", views.home, name="home"),
    path("members/", views.directory, name="directory"),
    # Before the profile pattern, so "export.csv" is never taken for a member's slug.
    path("members/export.csv", views.export_csv, name="export_csv"),
    path("members/export.json", views.export_json, name="export_json"),
    path("members/<slug:slug>/", views.profile, name="profile"),
    path("privacy/", legal.privacy, name="privacy"),
    # Before the link's pattern, so "sent" is never taken for a key.
    path("update/sent/", self_service_views.self_service_sent, name="self_service_sent"),
    path("update/confirmed/", self_service_views.self_service_confirmed, name="self_service_confirmed"),
    path("update/<str:key>/", self_service_views.self_service, name="self_service"),
    path("membership/", pages.membership, name="membership"),
]
