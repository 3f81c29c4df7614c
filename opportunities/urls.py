from django.urls import path

from . import views

app_name = "opportunities"
urlpatterns = [
    path("opportunities/", views.opportunity_list, name="list"),
    path("opportunities/<slug:slug>/", views.detail, name="detail"),
]
