"""The network's balance: figures checked against a known data set, and the three pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners.models import Organization
from services import balance
from services.models import ServiceRequest, WelfareService
from tests import factories

YEAR = 2026
PERIOD = balance.Period.year(YEAR)


def request(service, requester_organization, *, when, status=ServiceRequest.Status.OPEN):
    """A request sent on ``when`` (the creation time is set after the fact)."""
    made = ServiceRequest.objects.create(
        service=service,
        requester=None,
        requester_organization=requester_organization,
        status=status,
    )
    moment = timezone.make_aware(datetime.datetime.combine(when, datetime.time(10)))
    ServiceRequest.objects.filter(pk=made.pk).update(created_at=moment)
    return made


@pytest.fixture
def network(db):
    """Three active partners (A offers two services, B one, C none), a suspended member.

    In 2026: A's employees asked B 3 times (2 answered); B's asked A 6 times (5 answered)
    and C's asked A once; A's employees asked A itself twice (not reciprocity); a request
    of 2025 and one with no organisation do not count.
    """
    a = factories.make_organization("Alfa", slug="rete-alfa", short_name="A")
    b = factories.make_organization("Beta", slug="rete-beta", short_name="B")
    c = factories.make_organization("Gamma", slug="rete-gamma", short_name="C")
    suspended = factories.make_organization(
        "Sospesa", slug="rete-sospesa", membership_status=Organization.MembershipStatus.SUSPENDED
    )
    childhood = factories.make_category("Infanzia", slug="infanzia")
    health = factories.make_category("Salute", slug="salute")
    toddlers = factories.make_audience("0-3", name="Bambini 0–3 anni")
    nursery = factories.make_service(a, category=childhood, slug="nido-a")
    nursery.audiences.add(toddlers)
    gym = factories.make_service(
        a, category=health, slug="palestra-a", eligibility=WelfareService.Eligibility.ALL_PARTNERS
    )
    factories.make_service(
        a, category=health, slug="bozza-a", status=WelfareService.Status.DRAFT, published_at=None
    )
    counselling = factories.make_service(b, category=health, slug="consulenza-b")
    factories.make_service(suspended, category=health, slug="di-sospesa")
    day = datetime.date(YEAR, 3, 10)
    for n in range(3):
        answered = ServiceRequest.Status.ACCEPTED if n < 2 else ServiceRequest.Status.OPEN
        request(counselling, a, when=day, status=answered)
    for n in range(6):
        answered = ServiceRequest.Status.DECLINED if n < 5 else ServiceRequest.Status.OPEN
        request(nursery if n % 2 else gym, b, when=day, status=answered)
    request(nursery, c, when=datetime.date(YEAR, 12, 31))
    request(gym, a, when=day)
    request(nursery, a, when=day)
    request(nursery, b, when=datetime.date(YEAR - 1, 12, 31))
    request(nursery, None, when=day)
    return {"a": a, "b": b, "c": c, "suspended": suspended}


def test_the_network_balance_counts_requests_between_partners_only(network):
    result = balance.network_balance(PERIOD)
    by_name = {figures.organization.name: figures for figures in result.partners}
    assert set(by_name) == {"Alfa", "Beta", "Gamma"}
    alfa, beta, gamma = by_name["Alfa"], by_name["Beta"], by_name["Gamma"]
    assert (alfa.services_offered, alfa.received, alfa.received_answered, alfa.sent) == (2, 7, 5, 3)
    assert (beta.services_offered, beta.received, beta.received_answered, beta.sent) == (1, 3, 2, 6)
    assert (gamma.services_offered, gamma.received, gamma.sent) == (0, 0, 1)
    assert result.total_requests == 10
    assert [f.organization.name for f in result.offering_nothing] == ["Gamma"]
    assert result.never_using == []
    a, b, c = network["a"].pk, network["b"].pk, network["c"].pk
    assert result.matrix == {(a, b): 3, (b, a): 6, (c, a): 1}
    rows = {
        organization.name: (cells, total) for organization, cells, total in result.matrix_rows()
    }
    assert rows["Beta"] == ([6, 0, 0], 6)


def test_a_partner_sees_its_own_side(network):
    figures = balance.partner_balance(network["a"], PERIOD)
    assert figures.services_offered == 2
    assert figures.offered_by_category == [("Infanzia", 1), ("Salute", 1)]
    assert figures.offered_by_audience == [("Bambini 0–3 anni", 1)]
    assert (figures.received, figures.received_answered, figures.sent) == (7, 5, 3)
    assert figures.received_from == [("Beta", 6), ("Gamma", 1)]
    assert figures.sent_to == [("Beta", 3)]


def test_the_period_bounds_the_requests(network):
    assert balance.network_balance(balance.Period.year(YEAR - 1)).total_requests == 1
    assert balance.network_balance(balance.Period.year(YEAR + 1)).total_requests == 0


def test_the_public_figures_hide_everything_under_five(network):
    public = balance.public_balance(PERIOD)
    assert public.partners == 3
    assert public.partners_offering is None  # 2 partners offer: under 5
    assert public.partners_using is None
    assert public.services_offered is None  # 3 services
    assert public.requests == 10
    assert public.requests_answered == 7
    assert public.by_category == [("Infanzia", None, None), ("Salute", None, 6)]


def test_the_network_balance_costs_the_same_queries_at_two_sizes(network):
    with CaptureQueriesContext(connection) as few:
        balance.network_balance(PERIOD)
    for n in range(10):
        organization = factories.make_organization(f"Nuova {n}", slug=f"nuova-{n}")
        factories.make_service(organization, slug=f"servizio-nuovo-{n}")
    with CaptureQueriesContext(connection) as many:
        balance.network_balance(PERIOD)
    assert len(many) == len(few)


# --- Pages -------------------------------------------------------------------------------------


@pytest.fixture
def this_year(settings, network, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(YEAR, 11, 29))


def test_the_public_page_shows_aggregates_and_no_organisation(client, this_year, network):
    response = client.get(reverse("balance"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Alfa" not in html and "Beta" not in html and "Gamma" not in html
    assert "meno di 5" in html
    assert reverse("balance-network") not in html


def test_the_public_page_in_english(client, this_year, network):
    response = client.get("/en/distretto/bilancio/")
    assert "fewer than 5" in response.content.decode()


def test_a_year_that_is_not_one_gets_a_message_and_this_year(client, this_year, network):
    for bad in ["1999", "abc", "2026.5", "\u0662\u0660\u0662\u0666"]:
        response = client.get(reverse("balance"), {"year": bad})
        assert response.status_code == 200
        assert response.context["period"] == PERIOD
        assert response.context["form"].errors


def test_the_coordinator_sees_every_partner_and_the_matrix(as_role, this_year, network):
    response = as_role("coordinator").get(reverse("balance-network"), {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    for name in ["Alfa", "Beta", "Gamma"]:
        assert name in html
    assert 'id="balance-matrix"' in html
    assert 'id="offering-nothing"' in html
    assert response["Cache-Control"].startswith("private") or "private" in response["Cache-Control"]


@pytest.mark.parametrize("role", ["employee_a", "referent_a", "unaffiliated"])
def test_only_the_coordinator_sees_the_whole_network(as_role, this_year, role):
    assert as_role(role).get(reverse("balance-network")).status_code == 403


def test_a_referent_sees_the_balance_of_their_organisation(client, this_year, network):
    referent = factories.make_user("ref@alfa.example")
    factories.affiliate(referent, network["a"], role="referent")
    client.force_login(referent)
    response = client.get(reverse("area:balance"))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures.organization, figures.received, figures.sent) == (network["a"], 7, 3)
    assert "Beta" in response.content.decode()
