"""The partner directory under /partner/ (composition layer: see partner_views)."""

from django.urls import path

from distretto import partner_views as views

app_name = "partners"

urlpatterns = [
    path("", views.organization_list, name="organization-list"),
    path("<slug:slug>/", views.organization_detail, name="organization-detail"),
]
