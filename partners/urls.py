from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.organization_list, name="organization-list"),
    path("<slug:slug>/", views.organization_detail, name="organization-detail"),
]
