from django.urls import path

from . import legal, views

app_name = "members"
urlpatterns = [
    path("members/<slug:slug>/", views.profile, name="profile"),
    path("privacy/", legal.privacy, name="privacy"),
]
