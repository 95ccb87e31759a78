"""The referents' partner area under /area-partner/."""

from django.urls import path

from partners import area_views as views

app_name = "area"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("organizzazione/", views.organization_edit, name="organization-edit"),
    path("organizzazione/scegli/", views.organization_switch, name="organization-switch"),
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
    path("persone/", views.member_list, name="member-list"),
    path("persone/<int:pk>/promuovi/", views.member_promote, name="member-promote"),
    path("persone/<int:pk>/revoca-referente/", views.member_demote, name="member-demote"),
    path(
        "persone/richieste/<int:pk>/approva/",
        views.affiliation_approve,
        name="affiliation-approve",
    ),
    path(
        "persone/richieste/<int:pk>/rifiuta/",
        views.affiliation_reject,
        name="affiliation-reject",
    ),
]
