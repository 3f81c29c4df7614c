from django.urls import path

from . import legal, overview_views, pages, self_service_views, views

app_name = "members"
urlpatterns = [
    path("", views.home, name="home"),
    path("members/", views.directory, name="directory"),
    # Before the profile pattern, so "export.csv" is never taken for a member's slug.
    path("members/export.csv", views.export_csv, name="export_csv"),
    path("members/export.json", views.export_json, name="export_json"),
    path("members/export.xlsx", views.export_xlsx, name="export_xlsx"),
    # Before the profile's pattern: "feed" is a slug no member is given (models.RESERVED_SLUGS).
    path("members/feed/", views.feed, name="feed"),
    path("members/<slug:slug>/", views.profile, name="profile"),
    path("members/<slug:slug>/vcard.vcf", views.vcard, name="vcard"),
    path("privacy/", legal.privacy, name="privacy"),
    # Before the link's pattern, so "sent" is never taken for a key.
    path("update/sent/", self_service_views.self_service_sent, name="self_service_sent"),
    path("update/confirmed/", self_service_views.self_service_confirmed, name="self_service_confirmed"),
    path("update/<str:key>/", self_service_views.self_service, name="self_service"),
    path("membership/", pages.membership, name="membership"),
]

# The cluster at a glance (members.overview_views): appended, so that merges stay simple.
urlpatterns += [
    path("statistics/", overview_views.statistics, name="statistics"),
    path("statistics/<slug:chart>.csv", overview_views.statistics_csv, name="statistics_csv"),
    path("map/", overview_views.member_map, name="map"),
    path("map/members.json", overview_views.map_members, name="map_members"),
]
