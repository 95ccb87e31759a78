"""/aderisci/: organisations applying to join the district (included by distretto/urls.py)."""

from django.urls import path

from partners import join_views as views

app_name = "join"

urlpatterns = [
    path("", views.application_create, name="application-create"),
    path("conferma/<str:key>/", views.application_confirm, name="application-confirm"),
    path("domanda/<str:token>/", views.application_status, name="application-status"),
    path(
        "domande/<int:pk>/certificato.pdf",
        views.application_certificate,
        name="application-certificate",
    ),
]
