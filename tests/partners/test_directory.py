"""The public partner directory /partner/ and the partner profiles /partner/<slug>/."""

import re
from datetime import date

import pytest
from django.utils import translation

from partners.models import Certification, Organization
from services.models import WelfareService
from tests import factories

LIST_URL = "/en/partner/"


def names_on(html):
    return re.findall(
        r'<h3 class="card-title h5 mb-2"(?: lang="it")?><a href="[^"]+">([^<]+)</a></h3>', html
    )


def label(choice):
    """A choice's label as the English pages print it."""
    with translation.override("en"):
        return str(choice.label)


def profile_url(organization):
    with translation.override("en"):
        return organization.get_absolute_url()


def make_directory(size):
    category = factories.make_category()
    agreement = factories.make_agreement()
    for n in range(size):
        organization = factories.make_organization(f"Partner {n:03d}", slug=f"partner-{n:03d}")
        factories.make_certification(organization)
        factories.make_certification(
            organization, phase=Certification.Phase.MAINTENANCE, granted_on=date(2020, 1, 1)
        )
        factories.make_service(organization, category=category)
        factories.make_service(
            organization,
            category=category,
            eligibility=WelfareService.Eligibility.ALL_PARTNERS,
        )
        agreement.signatures.create(organization=organization, signed_on=agreement.signed_on)


def test_directory_shows_active_and_suspended_members_only(client, db):
    factories.make_organization("Attiva")
    factories.make_organization("Sospesa", membership_status="suspended")
    factories.make_organization("Candidata", membership_status="applicant")
    factories.make_organization("Receduta", membership_status="withdrawn")
    response = client.get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert names_on(html) == ["Attiva", "Sospesa"]
    assert "Membership suspended" in html


def test_directory_answers_in_italian_too(client, db):
    factories.make_organization("Attiva")
    response = client.get("/partner/")
    assert response.status_code == 200
    assert names_on(response.content.decode()) == ["Attiva"]


def test_each_card_shows_the_current_phase_and_the_services_count(client, db):
    organization = factories.make_organization("Fondazione Alfa")
    factories.make_certification(
        organization,
        phase=Certification.Phase.FAMILY_AUDIT,
        status=Certification.Status.EXPIRED,
        granted_on=date(2013, 11, 20),
        registered_on=date(2013, 1, 1),
        expires_on=date(2016, 11, 20),
    )
    factories.make_certification(
        organization, phase=Certification.Phase.EXECUTIVE, granted_on=date(2025, 11, 20)
    )
    factories.make_service(organization)
    factories.make_service(organization, status=WelfareService.Status.DRAFT)
    factories.make_service(organization, eligibility=WelfareService.Eligibility.ALL_PARTNERS)
    html = client.get(LIST_URL).content.decode()
    assert label(Certification.Phase.EXECUTIVE) in html
    assert 'data-service-count="1"' in html


def test_the_services_count_follows_what_the_user_may_see(client, employee_a, org_a):
    factories.make_service(org_a)
    factories.make_service(org_a, eligibility=WelfareService.Eligibility.ALL_PARTNERS)
    client.force_login(employee_a)
    html = client.get(LIST_URL).content.decode()
    assert 'data-service-count="2"' in html


def test_an_organisation_without_certification_says_so(client, db):
    factories.make_organization("Nuova")
    assert "not stated" in client.get(LIST_URL).content.decode()


def test_directory_filters_by_kind(client, db):
    factories.make_organization("Fondazione", kind=Organization.Kind.FOUNDATION)
    factories.make_organization("Impresa", kind=Organization.Kind.COMPANY)
    html = client.get(LIST_URL, {"kind": "foundation"}).content.decode()
    assert names_on(html) == ["Fondazione"]
    assert 'value="foundation" selected' in html


def test_directory_filters_by_current_family_audit_phase(client, db):
    maintenance = factories.make_organization("In mantenimento")
    factories.make_certification(maintenance, granted_on=date(2016, 1, 1))
    factories.make_certification(
        maintenance, phase=Certification.Phase.MAINTENANCE, granted_on=date(2022, 1, 1)
    )
    audit = factories.make_organization("Certificata")
    factories.make_certification(audit)
    lapsed = factories.make_organization("Scaduta")
    factories.make_certification(
        lapsed, phase=Certification.Phase.MAINTENANCE, status=Certification.Status.EXPIRED
    )
    html = client.get(LIST_URL, {"phase": "maintenance"}).content.decode()
    assert names_on(html) == ["In mantenimento"]
    html = client.get(LIST_URL, {"phase": "family_audit"}).content.decode()
    assert names_on(html) == ["Certificata"]


def test_directory_searches_names_and_areas(client, db):
    factories.make_organization("Fondazione Bruno Kessler", area="Povo")
    factories.make_organization("Kaleidoscopio", area="Trento")
    assert names_on(client.get(LIST_URL, {"q": "kessler"}).content.decode()) == [
        "Fondazione Bruno Kessler"
    ]
    assert names_on(client.get(LIST_URL, {"q": "povo"}).content.decode()) == [
        "Fondazione Bruno Kessler"
    ]


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "spaceship"},
        {"phase": "platinum"},
        {"kind": ["foundation", "company"]},
        {"q": "x" * 5000},
        {"q": "\x01"},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999999999999999999999"},
        {"unknown": "1"},
    ],
)
def test_bad_filter_values_give_a_normal_page(client, db, query):
    factories.make_organization("Attiva", kind=Organization.Kind.FOUNDATION)
    response = client.get(LIST_URL, query)
    assert response.status_code == 200


def test_an_unknown_kind_is_reported_and_not_applied(client, db):
    factories.make_organization("Attiva")
    html = client.get(LIST_URL, {"kind": "spaceship"}).content.decode()
    assert names_on(html) == ["Attiva"]
    assert 'aria-invalid="true"' in html


def test_directory_is_paginated_at_twenty_and_keeps_the_filters(client, db):
    for n in range(25):
        factories.make_organization(f"Fondazione {n:02d}", kind=Organization.Kind.FOUNDATION)
    factories.make_organization("Impresa", kind=Organization.Kind.COMPANY)
    html = client.get(LIST_URL, {"kind": "foundation"}).content.decode()
    assert len(names_on(html)) == 20
    assert 'href="?kind=foundation&amp;page=2"' in html
    html = client.get(LIST_URL, {"kind": "foundation", "page": 2}).content.decode()
    assert names_on(html) == [f"Fondazione {n}" for n in range(20, 25)]


def test_page_numbers_past_the_end_show_the_last_page(client, db):
    for n in range(21):
        factories.make_organization(f"Org {n:02d}")
    html = client.get(LIST_URL, {"page": 50}).content.decode()
    assert names_on(html) == ["Org 20"]


def test_an_empty_directory_has_an_empty_state(client, db):
    html = client.get(LIST_URL).content.decode()
    assert 'id="empty-state"' in html


@pytest.mark.parametrize("size", [5, 200])
@pytest.mark.parametrize("role", ["anonymous", "employee_a"])
def test_directory_runs_a_fixed_number_of_queries(
    as_role, db, size, role, django_assert_max_num_queries
):
    make_directory(size)
    client = as_role(role)
    with django_assert_max_num_queries(10):
        assert client.get(LIST_URL).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(LIST_URL, {"phase": "maintenance", "page": 2}).status_code == 200


def test_profile_shows_details_certification_history_agreements_and_services(client, db):
    organization = factories.make_organization(
        "Fondazione Bruno Kessler",
        slug="fbk",
        description="Fondazione di ricerca con sede a Povo.",
        website="https://www.fbk.eu/",
        area="Povo",
    )
    factories.make_certification(
        organization,
        phase=Certification.Phase.FAMILY_AUDIT,
        status=Certification.Status.EXPIRED,
        registered_on=date(2012, 1, 1),
        granted_on=date(2013, 11, 20),
        expires_on=date(2016, 11, 20),
        reference="Determinazione n. 123",
    )
    factories.make_certification(
        organization,
        phase=Certification.Phase.EXECUTIVE,
        registered_on=date(2025, 1, 1),
        granted_on=date(2025, 11, 20),
        expires_on=date(2028, 11, 20),
    )
    public = factories.make_agreement(
        title="Accordo volontario di area", slug="area-2018", signed_on=date(2018, 10, 10)
    )
    public.signatures.create(organization=organization, signed_on=date(2018, 10, 10))
    private = factories.make_agreement(title="Accordo riservato", is_public=False)
    private.signatures.create(organization=organization, signed_on=date(2018, 10, 10))
    factories.make_service(organization, title="Laboratori del sabato")
    factories.make_service(
        organization,
        title="Convenzione riservata",
        eligibility=WelfareService.Eligibility.ALL_PARTNERS,
    )
    other = factories.make_organization("Altra")
    factories.make_service(other, title="Servizio di un altro")

    response = client.get("/en/partner/fbk/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Fondazione Bruno Kessler</h1>" in html
    assert "Fondazione di ricerca con sede a Povo." in html
    assert 'href="https://www.fbk.eu/"' in html
    history = html[html.index('id="certifications"') :]
    assert history.index(label(Certification.Phase.EXECUTIVE)) < history.index(
        "Determinazione n. 123"
    )
    agreements = html[html.index('id="agreements"') :]
    assert "Accordo volontario di area" in agreements and "10 October 2018" in agreements
    assert "Accordo riservato" not in html
    assert "Laboratori del sabato" in html
    assert "Convenzione riservata" not in html
    assert "Servizio di un altro" not in html


def test_profile_shows_reserved_services_to_partners_employees(client, employee_b, org_a):
    factories.make_service(
        org_a, title="Convenzione riservata", eligibility=WelfareService.Eligibility.ALL_PARTNERS
    )
    client.force_login(employee_b)
    assert "Convenzione riservata" in client.get(profile_url(org_a)).content.decode()


@pytest.mark.parametrize("status", ["applicant", "withdrawn"])
def test_profiles_of_non_members_are_not_found(client, db, status):
    organization = factories.make_organization("Non socia", membership_status=status)
    assert client.get(profile_url(organization)).status_code == 404


def test_profile_of_a_suspended_member_is_public(client, db):
    organization = factories.make_organization("Sospesa", membership_status="suspended")
    assert client.get(profile_url(organization)).status_code == 200


@pytest.mark.parametrize("slug", ["nessuna", "a" * 300, "fbk%01"])
def test_unknown_profiles_are_not_found(client, db, slug):
    assert client.get(f"/partner/{slug}/").status_code == 404


def test_a_nul_in_the_directory_address_or_query_is_refused(client, db):
    # PostgreSQL cannot hold a NUL: refused before the view (common.middleware).
    assert client.get("/partner/fbk%00/").status_code == 400
    assert client.get(LIST_URL, {"q": "\x00"}).status_code == 400


@pytest.mark.parametrize("size", [5, 200])
def test_profile_runs_a_fixed_number_of_queries(client, db, size, django_assert_max_num_queries):
    organization = factories.make_organization("Grande", slug="grande")
    category = factories.make_category()
    for n in range(size):
        factories.make_service(organization, category=category)
        factories.make_certification(organization, granted_on=date(2016, 1, 1 + n % 28))
        factories.make_agreement(signatories=[organization])
    with django_assert_max_num_queries(10):
        assert client.get("/partner/grande/").status_code == 200


def test_directory_and_profile_refuse_writes(client, db):
    organization = factories.make_organization("Attiva")
    assert client.post(LIST_URL).status_code == 405
    assert client.post(profile_url(organization)).status_code == 405
