"""The person's own pages under /account/: the `account` namespace over partners' pages
(affiliations, my data, invitations) and the profile, which also shows services."""

from django.urls import path

from distretto import profile_views
from meetings import views as meeting_views
from partners.account_urls import urlpatterns as partner_patterns

app_name = "account"

urlpatterns = [
    path("profilo/", profile_views.profile, name="profile"),
    path(
        "profilo/calendario/nuovo/",
        meeting_views.calendar_subscription_renew,
        name="calendar-renew",
    ),
    path(
        "profilo/calendario/revoca/",
        meeting_views.calendar_subscription_revoke,
        name="calendar-revoke",
    ),
    *partner_patterns,
]
