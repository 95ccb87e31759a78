from django.urls import path

from . import account_views, needs_views, views

app_name = "services"

urlpatterns = [
    path("", views.service_list, name="service-list"),
    # Fixed pages before `<slug:slug>/`; their slugs are reserved (services/slugs.py).
    path("mie-richieste/", account_views.my_requests, name="my-requests"),
    path("mie-richieste/<int:pk>/ritira/", account_views.request_withdraw, name="request-withdraw"),
    path(
        "mie-richieste/<int:pk>/conferma-posto/", account_views.place_confirm, name="place-confirm"
    ),
    path("salvati/", account_views.saved_list, name="saved-list"),
    path("organizzazioni.json", views.provider_suggestions, name="provider-suggestions"),
    path("indagine-bisogni/", needs_views.needs_survey, name="needs-survey"),
    path("<slug:slug>/", views.service_detail, name="service-detail"),
    path("<slug:slug>/richiesta/", account_views.service_request, name="service-request"),
    path("<slug:slug>/salva/", account_views.service_save, name="service-save"),
    path("<slug:slug>/rimuovi/", account_views.service_unsave, name="service-unsave"),
]
