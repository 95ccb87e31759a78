"""The person's own pages under /account/: the `account` namespace over partners' pages
(affiliations, my data, invitations) and the profile, which also shows services."""

from django.urls import path

from distretto import profile_views
from partners.account_urls import urlpatterns as partner_patterns

app_name = "account"

urlpatterns = [
    path("profilo/", profile_views.profile, name="profile"),
    *partner_patterns,
]
