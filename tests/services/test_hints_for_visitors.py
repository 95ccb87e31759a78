"""Visitors who find nothing learn that partners' employees see more after logging in;
employees who already see everything are not told to log in."""

import pytest
from django.urls import reverse

from services.models import WelfareService
from tests import factories

HINT = "reserved to the employees of the partner organisations"


@pytest.fixture
def reserved_a(org_a):
    return factories.make_service(
        org_a,
        title="Congedo parentale riservato",
        slug="congedo-riservato",
        eligibility=WelfareService.Eligibility.ALL_PARTNERS,
    )


def catalogue(client, query=""):
    return client.get("/en" + reverse("services:service-list") + query).content.decode()


def test_a_visitor_whose_search_finds_nothing_is_told_to_log_in_with_a_work_email(
    client, reserved_a
):
    html = catalogue(client, "?q=congedo")
    assert 'id="empty-state"' in html
    hint = html[html.index('id="empty-state-employees"') :]
    assert HINT in hint
    assert "/en/account/login/?next=" in hint
    assert "Congedo parentale riservato" not in html


def test_a_person_without_a_work_address_is_told_to_add_one(client, unaffiliated, reserved_a):
    client.force_login(unaffiliated)
    html = catalogue(client, "?q=congedo")
    hint = html[html.index('id="empty-state-employees"') :]
    assert HINT in hint
    assert "/en/account/email/" in hint


def test_the_catalogue_intro_does_not_tell_verified_employees_to_log_in(client, employee_a):
    client.force_login(employee_a)
    html = catalogue(client)
    intro = html[html.index('id="catalogue-intro"') :]
    intro = intro[: intro.index("</p>")]
    assert "log in" not in intro.lower() and "sign in" not in intro.lower()
    assert "You also see the services reserved" in intro
    assert 'id="empty-state-employees"' not in catalogue(client, "?q=nothingatall")


def test_the_catalogue_intro_invites_visitors_to_log_in(client, db):
    html = catalogue(client)
    intro = html[html.index('id="catalogue-intro"') :]
    assert HINT in intro[: intro.index("</p>")]


def test_a_shared_link_to_a_reserved_service_is_a_404_with_the_hint(client, reserved_a):
    response = client.get("/en/servizi/congedo-riservato/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'id="reserved-hint"' in html and HINT in html
    assert "Congedo parentale" not in html


def test_the_404_of_a_reserved_service_is_the_same_as_of_one_that_never_existed(client, reserved_a):
    reserved = client.get("/en/servizi/congedo-riservato/")
    missing = client.get("/en/servizi/mai-esistito/")
    assert reserved.status_code == missing.status_code == 404

    def main(response):
        html = response.content.decode().replace(response.wsgi_request.path, "")
        return html[html.index("<main") : html.index("</main>")]

    assert main(reserved) == main(missing)


def test_an_employee_who_may_not_see_a_service_gets_no_login_hint(client, employee_b, org_a):
    only_a = factories.make_service(
        org_a, slug="solo-alfa", eligibility=WelfareService.Eligibility.CHOSEN_PARTNERS
    )
    only_a.eligible_organizations.set([org_a])
    client.force_login(employee_b)
    response = client.get("/en/servizi/solo-alfa/")
    assert response.status_code == 404
    assert 'id="reserved-hint"' not in response.content.decode()
