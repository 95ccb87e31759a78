"""The partner area's dashboard, services and requests screens; see distretto/area_urls.py."""

from django.urls import path

from services import area_views as views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("servizi/", views.service_list, name="service-list"),
    path("servizi/nuovo/", views.service_create, name="service-create"),
    path("servizi/<slug:slug>/modifica/", views.service_edit, name="service-edit"),
    path("servizi/<slug:slug>/anteprima/", views.service_preview, name="service-preview"),
    path("servizi/<slug:slug>/pubblica/", views.service_publish, name="service-publish"),
    path("servizi/<slug:slug>/archivia/", views.service_archive, name="service-archive"),
    path("servizi/<slug:slug>/duplica/", views.service_duplicate, name="service-duplicate"),
    path("servizi/<slug:slug>/conferma/", views.service_confirm, name="service-confirm"),
    path("richieste/", views.request_list, name="request-list"),
    path("richieste/<int:pk>/", views.request_answer, name="request-answer"),
]
