"""The HSDS 3.0 API (mounted at /api/hsds/, outside the language prefixes)."""

from django.urls import path

from services import hsds_views as views

app_name = "hsds"

urlpatterns = [
    path("", views.api_root, name="root"),
    path("services", views.service_list, name="service-list"),
    path("services/<str:identifier>", views.service_detail, name="service-detail"),
    path("organizations", views.organization_list, name="organization-list"),
    path("organizations/<str:identifier>", views.organization_detail, name="organization-detail"),
    path("service_at_locations", views.service_at_location_list, name="service-at-location-list"),
    path(
        "service_at_locations/<str:identifier>",
        views.service_at_location_detail,
        name="service-at-location-detail",
    ),
    path("taxonomies", views.taxonomy_list, name="taxonomy-list"),
    path("taxonomies/<str:identifier>", views.taxonomy_detail, name="taxonomy-detail"),
    path("taxonomy_terms", views.taxonomy_term_list, name="taxonomy-term-list"),
    path(
        "taxonomy_terms/<str:identifier>", views.taxonomy_term_detail, name="taxonomy-term-detail"
    ),
    path("datapackage.zip", views.data_package, name="data-package"),
]
