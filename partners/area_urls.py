"""The referents' partner area under /area-partner/."""

from django.urls import path  # noqa: F401

app_name = "area"

urlpatterns = []
