"""Open data: the HSDS 3.0 API, its tabular package and the DCAT-AP_IT record.

Responses are validated against the official HSDS 3.0 JSON Schemas (tests/data/hsds, from
openreferral/specification, with their licence). What is published is what a visitor who
is not logged in sees: never a reserved service, a draft, an archived service or a
suspended member's service, never a person.
"""

import csv
import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from partners.models import Organization
from services import actions
from services.hsds import hsds_id, record_pk
from services.models import WelfareService
from tests import factories

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "hsds"


def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        contents = json.loads(path.read_text())
        resources.append(
            (path.name, Resource.from_contents(contents, default_specification=DRAFT202012))
        )
    return Registry().with_resources(resources)


REGISTRY = _registry()


def validate(instance, schema_name: str) -> None:
    validator = Draft202012Validator(
        {"$ref": f"{schema_name}.json"}, registry=REGISTRY, format_checker=FormatChecker()
    )
    errors = sorted(validator.iter_errors(instance), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def validate_page(body: dict, item_schema: str) -> None:
    for key, kind in [
        ("total_items", int),
        ("total_pages", int),
        ("page_number", int),
        ("size", int),
        ("first_page", bool),
        ("last_page", bool),
        ("empty", bool),
        ("contents", list),
    ]:
        assert isinstance(body[key], kind), key
    assert body["size"] == len(body["contents"])
    for item in body["contents"]:
        validate(item, item_schema)


@pytest.fixture
def catalogue(org_a, org_b, employee_a):
    """Every visibility case, and a service with every field we map."""
    org_a.address = "Via Sommarive 18"
    org_a.area = "Povo"
    org_a.latitude = "46.066800"
    org_a.longitude = "11.150200"
    org_a.contact_phone = "+39 0461 000000"
    org_a.contact_email = "info@alfa.example"
    org_a.website = "https://www.alfa.example"
    org_a.save()
    category = factories.make_category("Infanzia", slug="infanzia")
    audience = factories.make_audience("0-3", name="Bambini 0–3 anni")
    full = factories.make_service(
        org_a,
        category=category,
        title="Nido estivo di Alfa",
        slug="nido-estivo-alfa",
        address="Via Sommarive 18",
        area="Povo",
        contact_email="nido@alfa.example",
        contact_phone="0461 123456",
        booking_url="https://www.alfa.example/iscrizioni",
        cost=WelfareService.Cost.DISCOUNTED,
        cost_conditions="Retta ridotta del 30%.",
        available_from=date(2026, 6, 15),
        available_until=date(2026, 8, 31),
        last_verified_on=date(2026, 5, 1),
    )
    full.audiences.add(audience)
    plain = factories.make_service(org_b, title="Sportello genitori di Beta", slug="sportello-beta")
    hidden = {
        "all partners": factories.make_service(
            org_a, slug="per-i-partner", eligibility=WelfareService.Eligibility.ALL_PARTNERS
        ),
        "chosen partners": factories.make_service(
            org_a, slug="per-alfa", eligibility=WelfareService.Eligibility.CHOSEN_PARTNERS
        ),
        "draft": factories.make_service(
            org_a, slug="bozza", status=WelfareService.Status.DRAFT, published_at=None
        ),
        "archived": factories.make_service(
            org_a, slug="archiviato", status=WelfareService.Status.ARCHIVED
        ),
    }
    hidden["chosen partners"].eligible_organizations.add(org_a)
    suspended = factories.make_organization(
        "Sospesa", slug="sospesa", membership_status=Organization.MembershipStatus.SUSPENDED
    )
    hidden["suspended member"] = factories.make_service(suspended, slug="di-sospesa")
    applicant = factories.make_organization(
        "Candidata", slug="candidata", membership_status=Organization.MembershipStatus.APPLICANT
    )
    return {
        "full": full,
        "plain": plain,
        "hidden": hidden,
        "category": category,
        "audience": audience,
        "applicant": applicant,
        "suspended": suspended,
    }


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


# --- The API -------------------------------------------------------------------------------


def test_the_root_says_which_hsds_version_this_is(client, db):
    body = get_json(client, reverse("hsds:root"))
    assert body["version"] == "3.0"
    assert body["profile"].endswith("/dati-aperti/")
    assert body["openapi_url"].endswith("openapi.json")


def test_the_service_list_validates_and_holds_only_what_visitors_see(client, catalogue):
    body = get_json(client, reverse("hsds:service-list"))
    validate_page(body, "service_list")
    ids = {item["id"] for item in body["contents"]}
    assert ids == {
        hsds_id("service", catalogue["full"].pk),
        hsds_id("service", catalogue["plain"].pk),
    }
    assert body["total_items"] == 2
    for label, service in catalogue["hidden"].items():
        assert hsds_id("service", service.pk) not in ids, label


def test_a_service_in_full_validates_and_maps_every_field(client, catalogue):
    service = catalogue["full"]
    body = get_json(client, reverse("hsds:service-detail", args=[hsds_id("service", service.pk)]))
    validate(body, "service")
    assert body["name"] == "Nido estivo di Alfa"
    assert body["status"] == "active"
    assert body["url"].endswith("/servizi/nido-estivo-alfa/")
    assert body["email"] == "nido@alfa.example"
    assert body["application_process"] == "https://www.alfa.example/iscrizioni"
    assert "Retta ridotta del 30%." in body["fees_description"]
    assert body["eligibility_description"] == "Bambini 0–3 anni"
    assert body["assured_date"] == "2026-05-01"
    assert body["organization"]["name"] == "Organizzazione Alfa"
    assert body["phones"][0]["number"] == "0461 123456"
    assert body["schedules"][0]["valid_from"] == "2026-06-15"
    assert body["schedules"][0]["valid_to"] == "2026-08-31"
    assert body["service_at_locations"][0]["location"]["name"] == "Via Sommarive 18"
    assert body["cost_options"][0]["amount_description"] == "Retta ridotta del 30%."
    terms = {attribute["taxonomy_term"]["name"] for attribute in body["attributes"]}
    assert terms == {"Infanzia", "Bambini 0–3 anni"}


@pytest.mark.parametrize(
    "label", ["all partners", "chosen partners", "draft", "archived", "suspended member"]
)
def test_a_hidden_service_does_not_exist_in_the_open_data(client, catalogue, label):
    service = catalogue["hidden"][label]
    identifier = hsds_id("service", service.pk)
    body = get_json(client, reverse("hsds:service-detail", args=[identifier]), status=404)
    assert body["error"]
    provider = hsds_id("organization", service.provider_id)
    listing = get_json(client, reverse("hsds:organization-detail", args=[provider]))
    assert identifier not in json.dumps(listing)


def test_a_reserved_service_is_hidden_even_from_a_logged_in_employee(client, catalogue, employee_a):
    client.force_login(employee_a)
    service = catalogue["hidden"]["chosen partners"]
    get_json(client, reverse("hsds:service-detail", args=[hsds_id("service", service.pk)]), 404)
    body = get_json(client, reverse("hsds:service-list"))
    assert body["total_items"] == 2


def test_organizations_validate_and_are_the_public_directory(client, catalogue, org_a):
    body = get_json(client, reverse("hsds:organization-list"))
    validate_page(body, "organization_list")
    names = {item["name"] for item in body["contents"]}
    assert names == {"Organizzazione Alfa", "Organizzazione Beta", "Sospesa"}
    assert "Candidata" not in names

    detail = get_json(
        client, reverse("hsds:organization-detail", args=[hsds_id("organization", org_a.pk)])
    )
    validate(detail, "organization")
    assert [service["name"] for service in detail["services"]] == ["Nido estivo di Alfa"]
    assert detail["locations"][0]["latitude"] == pytest.approx(46.0668)
    assert detail["phones"][0]["number"] == "+39 0461 000000"


def test_an_applicant_organisation_is_not_published(client, catalogue):
    identifier = hsds_id("organization", catalogue["applicant"].pk)
    get_json(client, reverse("hsds:organization-detail", args=[identifier]), status=404)


def test_services_at_locations_validate(client, catalogue):
    body = get_json(client, reverse("hsds:service-at-location-list"))
    validate_page(body, "service_at_location_list")
    assert body["total_items"] == 1
    place = body["contents"][0]
    detail = get_json(client, reverse("hsds:service-at-location-detail", args=[place["id"]]))
    validate(detail, "service_at_location")
    assert detail["service"]["name"] == "Nido estivo di Alfa"


def test_categories_and_audiences_are_two_taxonomies(client, catalogue):
    taxonomies = get_json(client, reverse("hsds:taxonomy-list"))
    validate_page(taxonomies, "taxonomy")
    assert {item["name"] for item in taxonomies["contents"]} == {
        "Categorie del catalogo",
        "Destinatari",
    }
    terms = get_json(client, reverse("hsds:taxonomy-term-list"))
    validate_page(terms, "taxonomy_term")
    by_name = {item["name"]: item for item in terms["contents"]}
    assert by_name["Infanzia"]["taxonomy"] == "Categorie del catalogo"
    assert by_name["Bambini 0–3 anni"]["taxonomy"] == "Destinatari"
    for item in taxonomies["contents"]:
        validate(get_json(client, reverse("hsds:taxonomy-detail", args=[item["id"]])), "taxonomy")
    term = by_name["Infanzia"]
    validate(
        get_json(client, reverse("hsds:taxonomy-term-detail", args=[term["id"]])), "taxonomy_term"
    )

    # The services of a term.
    url = reverse("hsds:service-list") + f"?taxonomy_term_id={by_name['Bambini 0–3 anni']['id']}"
    assert [item["name"] for item in get_json(client, url)["contents"]] == ["Nido estivo di Alfa"]


def test_pages_follow_the_hsds_page_object(client, catalogue):
    url = reverse("hsds:service-list")
    first = get_json(client, url + "?per_page=1")
    second = get_json(client, url + "?per_page=1&page=2")
    assert (first["total_pages"], first["first_page"], first["last_page"]) == (2, True, False)
    assert (second["page_number"], second["first_page"], second["last_page"]) == (2, False, True)
    assert first["contents"][0]["id"] != second["contents"][0]["id"]


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=abc",
        "page=3",
        "per_page=0",
        "per_page=201",
        "per_page=-5",
        "page=%EF%BC%91",  # a full-width digit one
        "modified_after=yesterday",
        "modified_after=2026-13-45",
    ],
)
def test_bad_parameters_get_a_clear_400(client, catalogue, query):
    body = get_json(client, reverse("hsds:service-list") + "?" + query, status=400)
    assert body["error"]


def test_an_unknown_identifier_is_a_json_404(client, catalogue):
    for identifier in ["not-a-uuid", hsds_id("organization", catalogue["full"].provider_id)]:
        body = get_json(client, reverse("hsds:service-detail", args=[identifier]), status=404)
        assert body["error"]


def test_filters_by_organisation_and_modification_date(client, catalogue, org_b):
    url = reverse("hsds:service-list")
    body = get_json(client, f"{url}?organization_id={hsds_id('organization', org_b.pk)}")
    assert [item["name"] for item in body["contents"]] == ["Sportello genitori di Beta"]
    assert get_json(client, f"{url}?modified_after=2099-01-01")["empty"] is True
    assert get_json(client, f"{url}?modified_after=2000-01-01T00:00:00Z")["total_items"] == 2


def test_identifiers_carry_our_numbers_and_nothing_else(catalogue):
    service = catalogue["full"]
    identifier = hsds_id("service", service.pk)
    assert record_pk("service", identifier) == service.pk
    assert record_pk("organization", identifier) is None
    assert record_pk("service", "00000000-0000-0000-0000-000000000000") is None


def test_no_person_appears_in_the_open_data(client, catalogue, employee_a, referent_a):
    everything = "".join(
        client.get(reverse(name)).content.decode()
        for name in [
            "hsds:service-list",
            "hsds:organization-list",
            "hsds:service-at-location-list",
            "open-data-dcat",
        ]
    )
    for person in [employee_a, referent_a]:
        assert person.email not in everything


def test_the_service_list_costs_the_same_queries_at_two_sizes(client, catalogue, org_a):
    url = reverse("hsds:service-list")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(15):
        service = factories.make_service(org_a, slug=f"altro-{n}", address="Via Verdi 1")
        service.audiences.add(catalogue["audience"])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_answers_are_open_to_any_site_and_cacheable(client, catalogue):
    response = client.get(reverse("hsds:service-list"))
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"]


def test_the_api_reads_but_never_writes(client, catalogue):
    assert client.post(reverse("hsds:service-list")).status_code == 405


# --- The tabular data package ------------------------------------------------------------------


def read_package(client) -> tuple[dict, dict[str, list[dict]]]:
    response = client.get(reverse("hsds:data-package"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    package = json.loads(archive.read("datapackage.json"))
    tables = {
        resource["name"]: list(csv.DictReader(io.StringIO(archive.read(resource["path"]).decode())))
        for resource in package["resources"]
    }
    return package, tables


def test_the_data_package_describes_its_csv_files(client, catalogue):
    package, tables = read_package(client)
    assert package["profile"] == "tabular-data-package"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert {row["name"] for row in tables["services"]} == {
        "Nido estivo di Alfa",
        "Sportello genitori di Beta",
    }
    for resource in package["resources"]:
        columns = [field["name"] for field in resource["schema"]["fields"]]
        rows = tables[resource["name"]]
        if rows:
            assert list(rows[0].keys()) == columns
    # Rows link by the API's identifiers.
    service_ids = {row["id"] for row in tables["services"]}
    assert {row["service_id"] for row in tables["service_at_locations"]} <= service_ids
    assert {row["link_id"] for row in tables["attributes"]} <= service_ids


def test_the_data_package_is_rebuilt_when_the_catalogue_changes(client, catalogue, coordinator):
    _, before = read_package(client)
    _, again = read_package(client)
    assert again == before
    draft = catalogue["hidden"]["draft"]
    draft.address, draft.contact_email = "Via Roma 1", "info@alfa.example"
    draft.save()
    actions.service_publish(service=draft, actor=coordinator)
    _, after = read_package(client)
    assert len(after["services"]) == len(before["services"]) + 1
    actions.service_archive(service=draft, actor=coordinator)
    _, archived = read_package(client)
    assert len(archived["services"]) == len(before["services"])


# --- DCAT-AP_IT ----------------------------------------------------------------------------------


def test_the_dataset_is_described_in_dcat_ap_it(client, catalogue):
    from rdflib import Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

    DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
    response = client.get(reverse("open-data-dcat"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    graph = Graph().parse(data=response.content, format="json-ld")

    datasets = list(graph.subjects(RDF.type, DCATAPIT.Dataset))
    assert len(datasets) == 1
    dataset = datasets[0]
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    titles = {str(title.language): str(title) for title in graph.objects(dataset, DCTERMS.title)}
    assert set(titles) == {"it", "en"}
    publisher = graph.value(dataset, DCTERMS.publisher)
    assert graph.value(publisher, FOAF.name) == Literal("Comune di Trento")
    assert graph.value(publisher, DCTERMS.identifier) == Literal("c_l378")
    assert graph.value(dataset, DCTERMS.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/CONT"
    )
    distributions = list(graph.objects(dataset, DCAT.distribution))
    assert len(distributions) == 2
    for distribution in distributions:
        assert (distribution, RDF.type, DCATAPIT.Distribution) in graph
        assert graph.value(distribution, DCTERMS.license) == URIRef(
            "https://creativecommons.org/licenses/by/4.0/"
        )
        assert graph.value(distribution, DCAT.accessURL) is not None
    catalogs = list(graph.subjects(RDF.type, DCATAPIT.Catalog))
    assert [graph.value(catalog, DCAT.dataset) for catalog in catalogs] == [dataset]


# --- The page ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "heading", "licence"),
    [("", "Dati aperti", "CC BY 4.0"), ("/en", "Open data", "CC BY 4.0")],
)
def test_the_open_data_page_explains_them_in_both_languages(
    client, catalogue, prefix, heading, licence
):
    response = client.get(f"{prefix}/dati-aperti/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert licence in html
    assert reverse("hsds:data-package") in html
    assert reverse("open-data-dcat") in html
    assert "2 " in html  # the number of open services
