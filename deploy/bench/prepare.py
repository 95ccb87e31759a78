"""Part of `make bench` (deploy/bench/run.py), run with the app's environment.

Chooses the pages to load (a public service, the biggest provider's page, a category...),
opens a session for an employee of an active partner, and requests every page once per role
in-process with Django's test client on a cold cache, counting its SQL queries and its size.
Prints one JSON object: {"session": ..., "pages": {page: path}, "measured": {role: {page:
{"queries", "html_bytes", "status"}}}}.
"""

import json
import os
import sys
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "distretto.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from partners.models import Affiliation, Organization  # noqa: E402
from services.models import Category, WelfareService  # noqa: E402


def pages() -> dict[str, str]:
    catalogue = reverse("services:service-list")
    public = WelfareService.objects.visible_to(None)
    service = public.order_by("pk").values_list("slug", flat=True).first()
    biggest = (
        Organization.objects.active()
        .annotate(total=Count("services"))
        .order_by("-total", "pk")
        .values_list("slug", flat=True)
        .first()
    )
    category = Category.objects.order_by("position", "pk").values_list("slug", flat=True).first()
    try:
        sitemap = reverse("sitemap-section", kwargs={"section": "services"})
    except NoReverseMatch:  # before the sitemap became an index
        sitemap = reverse("sitemap")
    return {
        "home": reverse("home"),
        "catalogue": catalogue,
        "catalogue-filter": f"{catalogue}?category={category}&cost=free",
        "catalogue-search": f"{catalogue}?q=nido",
        "catalogue-page-50": f"{catalogue}?page=50",
        "service": reverse("services:service-detail", kwargs={"slug": service}),
        "partner": reverse("partners:organization-detail", kwargs={"slug": biggest}),
        "sitemap-index": reverse("sitemap"),
        "sitemap": sitemap,
    }


def employee_session() -> str:
    """A session of an employee of the biggest active partner (as after a login)."""
    affiliation = (
        Affiliation.objects.current()
        .filter(
            role=Affiliation.Role.EMPLOYEE,
            user__is_active=True,
            organization__membership_status=Organization.MembershipStatus.ACTIVE,
        )
        .select_related("user")
        .order_by("organization_id", "pk")
        .first()
    )
    user = affiliation.user
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def measure(client: Client, path: str) -> dict:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    body = response.content if not response.streaming else b"".join(response.streaming_content)
    return {"queries": len(queries), "html_bytes": len(body), "status": response.status_code}


def main() -> None:
    targets = pages()
    session = employee_session()
    clients = {"anonymous": Client(), "employee": Client()}
    clients["employee"].cookies[settings.SESSION_COOKIE_NAME] = session
    measured = {
        role: {page: measure(client, path) for page, path in targets.items()}
        for role, client in clients.items()
    }
    cache.clear()
    print(json.dumps({"session": session, "pages": targets, "measured": measured}))


if __name__ == "__main__":
    main()
