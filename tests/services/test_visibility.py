"""Who sees which service: one rule (`visible_to`), the same on every page.

A service someone may not see is neither listed in the catalogue nor reachable (404).
"""

import pytest
from django.utils import timezone

from partners.models import Affiliation, Organization
from services.models import WelfareService
from tests import factories
from tests.conftest import ROLES

LIST_URL = "/en/servizi/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def services(org_a, org_b):
    """One service of each kind; titles are unique so they can be found in the page."""
    make = factories.make_service
    everyone = WelfareService.Eligibility.EVERYONE
    suspended = factories.make_organization(
        "Organizzazione Sospesa",
        slug="sospesa",
        membership_status=Organization.MembershipStatus.SUSPENDED,
    )
    withdrawn = factories.make_organization(
        "Organizzazione Receduta",
        slug="receduta",
        membership_status=Organization.MembershipStatus.WITHDRAWN,
    )
    chosen_a = make(
        org_b,
        title="Riservato ad Alfa",
        slug="riservato-alfa",
        eligibility=WelfareService.Eligibility.CHOSEN_PARTNERS,
    )
    chosen_a.eligible_organizations.add(org_a)
    chosen_suspended = make(
        org_a,
        title="Riservato alla Sospesa",
        slug="riservato-sospesa",
        eligibility=WelfareService.Eligibility.CHOSEN_PARTNERS,
    )
    chosen_suspended.eligible_organizations.add(suspended)
    return {
        "public": make(org_a, title="Aperto a tutti", slug="aperto", eligibility=everyone),
        "partners": make(
            org_b,
            title="Per tutti i partner",
            slug="partner",
            eligibility=WelfareService.Eligibility.ALL_PARTNERS,
        ),
        "chosen_a": chosen_a,
        "chosen_suspended": chosen_suspended,
        "draft": make(
            org_a,
            title="Bozza",
            slug="bozza",
            status=WelfareService.Status.DRAFT,
            eligibility=everyone,
        ),
        "archived": make(
            org_a,
            title="Archiviato",
            slug="archiviato",
            status=WelfareService.Status.ARCHIVED,
            published_at=timezone.now(),
            eligibility=everyone,
        ),
        "suspended": make(suspended, title="Della Sospesa", slug="sospesa-servizio"),
        "withdrawn": make(withdrawn, title="Della Receduta", slug="receduta-servizio"),
    }


EXPECTED = {
    "anonymous": {"public"},
    "unaffiliated": {"public"},
    "employee_a": {"public", "partners", "chosen_a"},
    "employee_b": {"public", "partners"},
    "referent_a": {"public", "partners", "chosen_a"},
    "referent_b": {"public", "partners"},
    "coordinator": {"public", "partners", "chosen_a", "chosen_suspended"},
}


def test_every_role_has_an_expectation():
    assert set(EXPECTED) == set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_the_catalogue_lists_exactly_what_the_role_may_see(as_role, services, role):
    html = as_role(role).get(LIST_URL, {"order": "az"}).content.decode()
    results = html.split('id="service-results"', 1)[1]
    listed = {key for key, service in services.items() if f">{service.title}</a>" in results}
    assert listed == EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
def test_a_service_the_role_may_not_see_is_not_found(as_role, services, role):
    client = as_role(role)
    for key, service in services.items():
        expected = 200 if key in EXPECTED[role] else 404
        assert client.get(f"/en/servizi/{service.slug}/").status_code == expected, key


@pytest.mark.parametrize("role", ROLES)
def test_a_hidden_service_cannot_be_found_by_searching_or_filtering(as_role, services, role):
    client = as_role(role)
    for key, service in services.items():
        if key in EXPECTED[role]:
            continue
        response = client.get(LIST_URL, {"q": service.title, "provider": service.provider.slug})
        assert response.status_code == 200
        assert f">{service.title}</a>" not in response.content.decode(), key


@pytest.mark.parametrize("role", ROLES)
def test_the_visibility_rule_itself(request, services, role):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    visible = set(WelfareService.objects.visible_to(user).values_list("slug", flat=True))
    assert visible == {services[key].slug for key in EXPECTED[role]}


def test_a_pending_affiliation_gives_no_access_to_partner_services(client, services, org_a):
    user = factories.make_user("nuovo@gmail.example")
    factories.affiliate(user, org_a, status=Affiliation.Status.PENDING, verified_at=None)
    client.force_login(user)
    assert client.get("/en/servizi/partner/").status_code == 404
    assert client.get("/en/servizi/riservato-alfa/").status_code == 404


def test_an_ended_affiliation_gives_no_access_to_partner_services(client, services, org_a):
    user = factories.make_user("ex@alfa.example")
    factories.affiliate(user, org_a, status=Affiliation.Status.ENDED, ended_at=timezone.now())
    client.force_login(user)
    assert client.get("/en/servizi/partner/").status_code == 404


def test_employees_of_a_suspended_organisation_see_only_public_services(
    client, services, employee_a, org_a
):
    Organization.objects.filter(pk=org_a.pk).update(
        membership_status=Organization.MembershipStatus.SUSPENDED
    )
    client.force_login(employee_a)
    assert client.get("/en/servizi/partner/").status_code == 404
    assert client.get("/en/servizi/riservato-alfa/").status_code == 404


def test_a_service_becomes_visible_when_published_and_hidden_when_archived(client, services):
    draft = services["draft"]
    assert client.get("/en/servizi/bozza/").status_code == 404
    draft.status = WelfareService.Status.PUBLISHED
    draft.published_at = timezone.now()
    draft.save()
    assert client.get("/en/servizi/bozza/").status_code == 200
    draft.status = WelfareService.Status.ARCHIVED
    draft.save()
    assert client.get("/en/servizi/bozza/").status_code == 404


def test_the_provider_filter_does_not_reveal_organisations_with_only_hidden_services(
    client, services
):
    # The provider filter's type-ahead suggests only providers of services one may see.
    found = client.get("/en/servizi/organizzazioni.json?q=organizzazione").json()["results"]
    slugs = [result["slug"] for result in found]
    assert "alfa" in slugs
    assert "beta" not in slugs  # Beta offers only services for partners' employees
    assert "sospesa" not in slugs
    assert "receduta" not in slugs
    # Nor does the filter take them when typed: the catalogue says the value was ignored.
    html = client.get(LIST_URL, {"provider": "Organizzazione Beta"}).content.decode()
    assert 'id="ignored-filters"' in html
