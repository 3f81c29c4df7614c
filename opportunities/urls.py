from django.urls import path

from . import feeds, views

app_name = "opportunities"
urlpatterns = [
    path("opportunities/", views.opportunity_list, name="list"),
    # Before the detail pattern, so "feed" is never taken for an opportunity's slug.
    path("opportunities/feed/", feeds.OpportunityFeed(), name="feed"),
    path("opportunities/contact/sent/", views.contact_sent, name="contact_sent"),
    path("opportunities/<slug:slug>/", views.detail, name="detail"),
    path("opportunities/<slug:slug>/contact/", views.contact_opportunity, name="contact"),
    # A member's contact form belongs to the office's messages, so it is declared here.
    path("members/<slug:slug>/contact/", views.contact_member, name="contact_member"),
]
