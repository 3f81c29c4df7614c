from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("members/<slug:slug>/", views.profile, name="profile"),
]
