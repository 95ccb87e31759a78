"""Shared fixtures: two partner organisations A and B and a user for every role."""

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from partners.models import Affiliation
from tests import factories


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    # Uploaded files go to throw-away folders; the rate-limit cache starts empty.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    # The production hasher takes a noticeable time per password: too slow for a suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    # The active language is per thread and outlives a request: a test that visited /en/
    # must not leave English on for the next test on the same worker.
    translation.deactivate()
    timezone.deactivate()
    yield
    translation.deactivate()
    timezone.deactivate()


@pytest.fixture
def org_a(db):
    return factories.make_organization("Organizzazione Alfa", slug="alfa", domain="alfa.example")


@pytest.fixture
def org_b(db):
    return factories.make_organization("Organizzazione Beta", slug="beta", domain="beta.example")


@pytest.fixture
def unaffiliated(db):
    return factories.make_user("nessuno@example.org")


@pytest.fixture
def employee_a(org_a):
    user = factories.make_user("alice@alfa.example")
    factories.affiliate(user, org_a)
    return user


@pytest.fixture
def employee_b(org_b):
    user = factories.make_user("bob@beta.example")
    factories.affiliate(user, org_b)
    return user


@pytest.fixture
def referent_a(org_a):
    user = factories.make_user("carla@alfa.example")
    factories.affiliate(user, org_a, role=Affiliation.Role.REFERENT)
    return user


@pytest.fixture
def referent_b(org_b):
    user = factories.make_user("dario@beta.example")
    factories.affiliate(user, org_b, role=Affiliation.Role.REFERENT)
    return user


@pytest.fixture
def coordinator(db):
    return factories.make_coordinator()


ROLES = [
    "anonymous",
    "unaffiliated",
    "employee_a",
    "employee_b",
    "referent_a",
    "referent_b",
    "coordinator",
]


@pytest.fixture
def as_role(client, request):
    """Return a client logged in as the named role (or anonymous)."""

    def login(role):
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return login
