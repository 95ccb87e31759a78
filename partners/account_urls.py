"""The user's own pages under /account/ that allauth does not provide (see
distretto/account_urls.py, which adds the profile and names the `account` namespace)."""

from django.urls import path

from partners import account_views

urlpatterns = [
    path("affiliazione/", account_views.affiliation_request, name="affiliation-request"),
    path(
        "affiliazione/<int:pk>/termina/",
        account_views.affiliation_end,
        name="affiliation-end",
    ),
    path("lingua/", account_views.language_update, name="language-update"),
    path("dati/esporta/", account_views.data_export, name="data-export"),
    path("elimina/", account_views.account_delete, name="account-delete"),
    path("invito/<str:token>/", account_views.invitation_accept, name="invitation-accept"),
    path(
        "conferma-affiliazione/<str:token>/",
        account_views.affiliation_reconfirm,
        name="affiliation-reconfirm",
    ),
]
