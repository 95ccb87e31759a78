from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list, name="agreement-list"),
    path("<slug:slug>/", views.agreement_detail, name="agreement-detail"),
    path("<slug:slug>/documento.pdf", views.agreement_document, name="agreement-document"),
]
