"""The user's own pages under /account/ that allauth does not provide (profile, my data)."""

from django.urls import path  # noqa: F401

app_name = "account"

urlpatterns = []
