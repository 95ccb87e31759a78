"""The partner area's organisation and people screens; see distretto/area_urls.py."""

from django.urls import path

from partners import area_views as views

urlpatterns = [
    path("organizzazione/", views.organization_edit, name="organization-edit"),
    path("organizzazione/scegli/", views.organization_switch, name="organization-switch"),
    path("persone/", views.member_list, name="member-list"),
    path("persone/<int:pk>/promuovi/", views.member_promote, name="member-promote"),
    path("persone/<int:pk>/revoca-referente/", views.member_demote, name="member-demote"),
    path("persone/<int:pk>/conferma/", views.member_reapprove, name="member-reapprove"),
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
