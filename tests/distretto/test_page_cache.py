"""Visitors' pages come from the cache, and every write they could see shows at once.

common.page_cache keeps whole pages for visitors (per language, path and query string)
under a public version; distretto.apps bumps the version on every write to a model the
public pages are made of. These tests fill the cache with each page, make one write through
the same action the partner area or the admin uses, and look again.
"""

import re

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from partners import actions as partner_actions
from partners.models import Organization
from services import actions as service_actions
from services.models import WelfareService
from tests import factories

CATALOGUE = "/en/servizi/"
HOME = "/en/"


@pytest.fixture
def provider(db):
    return factories.make_organization("Cooperativa Arcobaleno", slug="arcobaleno")


@pytest.fixture
def service(provider):
    return factories.make_service(
        provider, title="Centro estivo Arcobaleno", slug="centro-estivo-arcobaleno"
    )


def pages(service):
    return [
        CATALOGUE,
        HOME,
        f"/en/servizi/{service.slug}/",
        f"/en/partner/{service.provider.slug}/",
        "/sitemap-services.xml",
    ]


def fill_cache(client, paths):
    for path in paths:
        client.get(path)
        assert client.get(path)["X-Page-Cache"] == "hit", path


def test_a_visitor_gets_the_second_request_of_a_page_from_the_cache(client, service):
    first = client.get(CATALOGUE)
    second = client.get(CATALOGUE)
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    # The middleware still runs on a cached page: security headers, request id.
    assert "Content-Security-Policy" in second
    assert "X-Request-ID" in second


def test_pages_are_cached_per_language_and_query(client, service):
    client.get(CATALOGUE)
    assert client.get("/servizi/")["X-Page-Cache"] == "miss"
    assert client.get(CATALOGUE, {"cost": "free"})["X-Page-Cache"] == "miss"
    italian = client.get("/servizi/").content.decode()
    assert '<html lang="it">' in italian


def test_signed_in_people_never_get_a_cached_page(client, service, employee_a):
    client.get(CATALOGUE)
    client.force_login(employee_a)
    response = client.get(CATALOGUE)
    assert "X-Page-Cache" not in response
    assert "Log out" in response.content.decode()


def test_a_visitor_with_a_message_to_read_gets_a_fresh_page(client, service):
    client.get(HOME)
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(constants.INFO, "Un messaggio per te")
    response = client.get(HOME)  # any response will do to carry the cookie
    storage.update(response)
    client.cookies["messages"] = response.cookies["messages"].value
    assert "X-Page-Cache" not in client.get(HOME)


def test_a_visitor_with_a_session_gets_a_fresh_page(client, service):
    client.get(HOME)
    client.cookies[settings.SESSION_COOKIE_NAME] = "anything"
    assert "X-Page-Cache" not in client.get(HOME)


def test_publishing_a_service_shows_it_at_once(client, provider, coordinator):
    draft = factories.make_service(
        provider, title="Nido aziendale Arcobaleno", slug="nido-arcobaleno", status="draft"
    )
    fill_cache(client, [CATALOGUE, HOME, "/sitemap-services.xml"])
    assert client.get("/en/servizi/nido-arcobaleno/").status_code == 404
    service_actions.service_publish(service=draft, actor=coordinator)
    assert "Nido aziendale Arcobaleno" in client.get(CATALOGUE).content.decode()
    assert "Nido aziendale Arcobaleno" in client.get(HOME).content.decode()
    assert "nido-arcobaleno" in client.get("/sitemap-services.xml").content.decode()
    assert client.get("/en/servizi/nido-arcobaleno/").status_code == 200


def test_archiving_a_service_hides_it_at_once(client, service, coordinator):
    fill_cache(client, pages(service))
    service_actions.service_archive(service=service, actor=coordinator)
    assert "Centro estivo Arcobaleno" not in client.get(CATALOGUE).content.decode()
    assert "Centro estivo Arcobaleno" not in client.get(HOME).content.decode()
    assert client.get(f"/en/servizi/{service.slug}/").status_code == 404
    assert "Centro estivo Arcobaleno" not in client.get("/en/partner/arcobaleno/").content.decode()
    assert service.slug not in client.get("/sitemap-services.xml").content.decode()


def test_editing_a_service_shows_the_change_at_once(client, service, referent_a):
    fill_cache(client, pages(service))
    service_actions.service_update(
        service=service, data={"title": "Campus estivo Arcobaleno"}, actor=referent_a
    )
    for path in [CATALOGUE, HOME, f"/en/servizi/{service.slug}/", "/en/partner/arcobaleno/"]:
        html = client.get(path).content.decode()
        assert "Campus estivo Arcobaleno" in html, path
        assert "Centro estivo Arcobaleno" not in html, path


def test_reserving_a_service_to_partners_hides_it_from_visitors_at_once(client, service, org_a):
    fill_cache(client, pages(service))
    service_actions.service_update(
        service=service,
        data={"eligibility": WelfareService.Eligibility.ALL_PARTNERS},
        actor=None,
    )
    assert "Centro estivo Arcobaleno" not in client.get(CATALOGUE).content.decode()
    assert client.get(f"/en/servizi/{service.slug}/").status_code == 404
    assert service.slug not in client.get("/sitemap-services.xml").content.decode()
    # And back: open to everyone again.
    service_actions.service_update(
        service=service, data={"eligibility": WelfareService.Eligibility.EVERYONE}, actor=None
    )
    assert client.get(f"/en/servizi/{service.slug}/").status_code == 200


def test_changing_the_chosen_organisations_shows_at_once_to_their_employees(
    client, provider, org_a, employee_a
):
    reserved = factories.make_service(
        provider,
        title="Riservato ad altri",
        slug="riservato-altri",
        eligibility=WelfareService.Eligibility.CHOSEN_PARTNERS,
    )
    reserved.eligible_organizations.add(provider)
    client.force_login(employee_a)
    assert "Riservato ad altri" not in client.get(CATALOGUE).content.decode()
    service_actions.service_update(
        service=reserved,
        data={"eligible_organizations": [provider, org_a]},
        actor=None,
    )
    # The employee's count and facets are cached too: they change with the list.
    html = client.get(CATALOGUE).content.decode()
    assert "Riservato ad altri" in html
    found = client.get("/en/servizi/organizzazioni.json", {"q": "arcobaleno"}).json()
    assert [result["slug"] for result in found["results"]] == ["arcobaleno"]


def test_suspending_an_organisation_hides_its_services_at_once(client, service, coordinator):
    fill_cache(client, pages(service))
    partner_actions.organization_suspend(organization=service.provider, actor=coordinator)
    assert "Centro estivo Arcobaleno" not in client.get(CATALOGUE).content.decode()
    assert "Centro estivo Arcobaleno" not in client.get(HOME).content.decode()
    assert client.get(f"/en/servizi/{service.slug}/").status_code == 404
    assert service.slug not in client.get("/sitemap-services.xml").content.decode()


def test_reactivating_an_organisation_shows_its_services_at_once(client, service, coordinator):
    partner_actions.organization_suspend(organization=service.provider, actor=coordinator)
    fill_cache(client, [CATALOGUE, HOME])
    assert client.get(f"/en/servizi/{service.slug}/").status_code == 404
    service.provider.refresh_from_db()
    partner_actions.organization_activate(organization=service.provider, actor=coordinator)
    assert service.provider.membership_status == Organization.MembershipStatus.ACTIVE
    assert "Centro estivo Arcobaleno" in client.get(CATALOGUE).content.decode()
    assert client.get(f"/en/servizi/{service.slug}/").status_code == 200


def test_the_counts_of_the_catalogue_follow_a_publication(client, provider, coordinator):
    factories.make_service(provider, title="Primo servizio")
    draft = factories.make_service(provider, title="Secondo servizio", status="draft")
    assert "1 service found" in client.get(CATALOGUE).content.decode()
    service_actions.service_publish(service=draft, actor=coordinator)
    assert "2 services found" in client.get(CATALOGUE).content.decode()


def test_signed_in_people_share_the_cached_content_but_not_the_header(client, service, org_a):
    first, second = factories.make_user("uno@alfa.example"), factories.make_user("due@alfa.example")
    for user in (first, second):
        factories.affiliate(user, org_a)
    client.force_login(first)
    mine = client.get(CATALOGUE).content.decode()
    client.force_login(second)
    theirs = client.get(CATALOGUE).content.decode()
    content = mine[mine.index('<main id="main"') :]
    assert content == theirs[theirs.index('<main id="main"') :]
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert token.search(mine).group(1) != token.search(theirs).group(1)
