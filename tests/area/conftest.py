import pytest
from django.conf import settings
from django.utils import translation

from partners.models import Affiliation
from services.models import WelfareService
from tests import factories


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    # A request under /en/ leaves English active in the thread: reverse() would follow it.
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def category(db):
    return factories.make_category("Infanzia", slug="infanzia")


@pytest.fixture
def draft_a(org_a, category):
    return factories.make_service(
        org_a,
        category=category,
        title="Bozza di Alfa",
        slug="bozza-alfa",
        status=WelfareService.Status.DRAFT,
    )


@pytest.fixture
def service_a(org_a, category):
    return factories.make_service(org_a, category=category, title="Nido di Alfa", slug="nido-alfa")


@pytest.fixture
def draft_b(org_b, category):
    return factories.make_service(
        org_b,
        category=category,
        title="Bozza di Beta",
        slug="bozza-beta",
        status=WelfareService.Status.DRAFT,
    )


@pytest.fixture
def referent_ab(org_a, org_b):
    """One person who is referent of both organisations."""
    user = factories.make_user("ester@alfa.example")
    factories.affiliate(user, org_a, role=Affiliation.Role.REFERENT)
    factories.affiliate(user, org_b, role=Affiliation.Role.REFERENT)
    return user
