"""The open catalogue as files: the HSDS tabular data package and the DCAT-AP_IT record.

The tabular package is HSDS's own tabular form: one CSV per table (organizations,
services, locations, service_at_locations, phones, schedules, cost_options, languages,
taxonomies, taxonomy_terms, attributes), linked by the same identifiers as the API, and a
``datapackage.json`` (Frictionless Data) describing them. Both are built from the records
of ``services.hsds``, so the API and the files can never disagree.
"""

import csv
import io
import json
import zipfile

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from partners.rules import coordinating_organization
from services import hsds

# Table name -> the columns we publish, in HSDS order.
TABLES = {
    "organizations": [
        "id",
        "name",
        "alternate_name",
        "description",
        "email",
        "website",
        "legal_status",
        "logo",
        "uri",
    ],
    "services": [
        "id",
        "organization_id",
        "name",
        "description",
        "url",
        "email",
        "status",
        "application_process",
        "fees_description",
        "eligibility_description",
        "assured_date",
        "last_modified",
    ],
    "locations": [
        "id",
        "location_type",
        "organization_id",
        "name",
        "description",
        "latitude",
        "longitude",
    ],
    "service_at_locations": ["id", "service_id", "location_id"],
    "phones": ["id", "organization_id", "service_id", "number"],
    "schedules": ["id", "service_id", "valid_from", "valid_to"],
    "cost_options": ["id", "service_id", "option", "amount_description"],
    "languages": ["id", "service_id", "name", "code"],
    "taxonomies": ["id", "name", "description", "uri", "version"],
    "taxonomy_terms": ["id", "code", "name", "description", "taxonomy", "taxonomy_id", "language"],
    "attributes": ["id", "link_id", "link_type", "link_entity", "taxonomy_term_id"],
}
NUMBERS = {"latitude", "longitude"}
DATES = {"assured_date", "valid_from", "valid_to"}
DATETIMES = {"last_modified"}
TITLE_IT = "Catalogo dei servizi di welfare del Distretto Family Audit di Trento"
TITLE_EN = "Welfare services catalogue of the Trento Family Audit District"
DESCRIPTION_IT = (
    "I servizi di welfare aperti a tutti che le organizzazioni del Distretto Family Audit di "
    "Trento offrono, con le organizzazioni che li offrono, nello standard Open Referral "
    "(Human Services Data Specification 3.0). Non contiene dati personali né i servizi "
    "riservati ai dipendenti delle organizzazioni del Distretto."
)
DESCRIPTION_EN = (
    "The welfare services open to everyone offered by the organisations of the Trento Family "
    "Audit District, with the organisations offering them, in the Open Referral standard "
    "(Human Services Data Specification 3.0). It holds no personal data and none of the "
    "services reserved to the District organisations' employees."
)
PUBLISHER_NAME = "Comune di Trento"
# The Comune's code in the Indice delle Pubbliche Amministrazioni (IPA).
PUBLISHER_IPA = "c_l378"


def tables() -> dict[str, list[dict]]:
    """Every row of every table, as dicts keyed by column."""
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    services = list(hsds.open_services())
    for organization in hsds.open_organizations():
        rows["organizations"].append(hsds.organization_record(organization))
        if organization.contact_phone:
            rows["phones"].append(
                {
                    "id": hsds.hsds_id("organization-phone", organization.pk),
                    "organization_id": hsds.hsds_id("organization", organization.pk),
                    "number": organization.contact_phone,
                }
            )
        location = hsds.organization_location(organization)
        if location:
            rows["locations"].append(location)
    for service in services:
        full = hsds.service_full(service)
        rows["services"].append(hsds.service_record(service))
        for at_location in full["service_at_locations"]:
            rows["locations"].append(at_location["location"])
            rows["service_at_locations"].append(at_location)
        for phone in full.get("phones", []):
            rows["phones"].append({**phone, "service_id": full["id"]})
        rows["schedules"].extend(full["schedules"])
        rows["cost_options"].extend(full["cost_options"])
        rows["languages"].extend(
            {**language, "service_id": full["id"]} for language in full["languages"]
        )
        rows["attributes"].extend(full["attributes"])
    rows["taxonomies"] = hsds.taxonomies()
    rows["taxonomy_terms"] = hsds.taxonomy_terms()
    return rows


def _csv(columns: list[str], records: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue().encode("utf-8")


def _field_type(column: str) -> str:
    if column in NUMBERS:
        return "number"
    if column in DATES:
        return "date"
    if column in DATETIMES:
        return "datetime"
    return "string"


def datapackage(modified) -> dict:
    return {
        "profile": "tabular-data-package",
        "name": "distretto-family-audit-trento-catalogo",
        "title": TITLE_IT,
        "description": DESCRIPTION_IT,
        "version": hsds.HSDS_VERSION,
        "created": modified.isoformat(),
        "homepage": _page_url(),
        "licenses": [
            {"name": hsds.LICENSE_NAME, "path": hsds.LICENSE_URL, "title": hsds.LICENSE_TITLE}
        ],
        "publishers": [{"title": PUBLISHER_NAME}],
        "resources": [
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [{"name": column, "type": _field_type(column)} for column in columns],
                    "primaryKey": "id",
                },
            }
            for name, columns in TABLES.items()
        ],
    }


def build_package() -> bytes:
    """The zip file: every table as CSV plus datapackage.json."""
    rows = tables()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, columns in TABLES.items():
            archive.writestr(f"{name}.csv", _csv(columns, rows[name]))
        package = datapackage(timezone.now())
        archive.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
    return buffer.getvalue()


# --- DCAT-AP_IT ---------------------------------------------------------------------------------


def _url(name: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return hsds.absolute(reverse(name))


def _page_url() -> str:
    return _url("open-data")


def dcat_description() -> dict:
    """The catalogue and its one dataset in DCAT-AP_IT, as JSON-LD."""
    modified = hsds.open_services().order_by("-updated_at").values_list("updated_at", flat=True)
    last = modified.first() or timezone.now()
    publisher = {
        "@id": f"{settings.SITE_URL}/#comune-di-trento",
        "@type": ["dcatapit:Agent", "foaf:Agent"],
        "foaf:name": PUBLISHER_NAME,
        "dct:identifier": PUBLISHER_IPA,
    }
    contact = {
        "@id": f"{settings.SITE_URL}/#contatto",
        "@type": ["dcatapit:Organization", "vcard:Organization"],
        "vcard:fn": "Distretto Family Audit di Trento",
    }
    coordination = coordinating_organization()
    if coordination is not None and coordination.contact_email:
        contact["vcard:hasEmail"] = {"@id": f"mailto:{coordination.contact_email}"}
    if coordination is not None and coordination.website:
        contact["vcard:hasURL"] = {"@id": coordination.website}
    licence = {
        "@id": hsds.LICENSE_URL,
        "@type": ["dcatapit:LicenseDocument", "dct:LicenseDocument"],
        "dct:type": {"@id": "http://purl.org/adms/licencetype/Attribution"},
        "foaf:name": hsds.LICENSE_TITLE,
    }
    distributions = [
        {
            "@id": _url("hsds:service-list"),
            "@type": "dcatapit:Distribution",
            "dct:title": [
                {"@value": "API HSDS 3.0 (JSON)", "@language": "it"},
                {"@value": "HSDS 3.0 API (JSON)", "@language": "en"},
            ],
            "dcat:accessURL": {"@id": _url("hsds:root")},
            "dct:format": {
                "@id": "http://publications.europa.eu/resource/authority/file-type/JSON"
            },
            "dcat:mediaType": "application/json",
            "dct:license": {"@id": hsds.LICENSE_URL},
        },
        {
            "@id": _url("hsds:data-package"),
            "@type": "dcatapit:Distribution",
            "dct:title": [
                {"@value": "Pacchetto di dati tabellari (CSV)", "@language": "it"},
                {"@value": "Tabular data package (CSV)", "@language": "en"},
            ],
            "dcat:accessURL": {"@id": _url("hsds:data-package")},
            "dcat:downloadURL": {"@id": _url("hsds:data-package")},
            "dct:format": {"@id": "http://publications.europa.eu/resource/authority/file-type/ZIP"},
            "dcat:mediaType": "application/zip",
            "dct:license": {"@id": hsds.LICENSE_URL},
        },
    ]
    dataset = {
        "@id": f"{settings.SITE_URL}/dati-aperti/#catalogo-servizi",
        "@type": ["dcatapit:Dataset", "dcat:Dataset"],
        "dct:identifier": f"{PUBLISHER_IPA}:distretto-family-audit-catalogo-servizi",
        "dct:title": [
            {"@value": TITLE_IT, "@language": "it"},
            {"@value": TITLE_EN, "@language": "en"},
        ],
        "dct:description": [
            {"@value": DESCRIPTION_IT, "@language": "it"},
            {"@value": DESCRIPTION_EN, "@language": "en"},
        ],
        "dct:modified": {"@value": last.date().isoformat(), "@type": "xsd:date"},
        "dct:accrualPeriodicity": {
            "@id": "http://publications.europa.eu/resource/authority/frequency/CONT"
        },
        "dcat:theme": [{"@id": "http://publications.europa.eu/resource/authority/data-theme/SOCI"}],
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/ITA"},
        "dct:publisher": {"@id": publisher["@id"]},
        "dct:rightsHolder": {"@id": publisher["@id"]},
        "dcat:contactPoint": {"@id": contact["@id"]},
        "dcat:landingPage": {"@id": _page_url()},
        "dcat:keyword": [
            {"@value": "welfare aziendale", "@language": "it"},
            {"@value": "conciliazione vita-lavoro", "@language": "it"},
            {"@value": "Family Audit", "@language": "it"},
            {"@value": "Open Referral", "@language": "en"},
        ],
        "dct:conformsTo": {"@id": "https://docs.openreferral.org/en/latest/hsds/overview.html"},
        "dcat:distribution": [{"@id": item["@id"]} for item in distributions],
    }
    catalog = {
        "@id": _url("open-data-dcat"),
        "@type": ["dcatapit:Catalog", "dcat:Catalog"],
        "dct:title": [
            {"@value": "Dati aperti del Distretto Family Audit di Trento", "@language": "it"},
            {"@value": "Open data of the Trento Family Audit District", "@language": "en"},
        ],
        "dct:description": [
            {"@value": DESCRIPTION_IT, "@language": "it"},
            {"@value": DESCRIPTION_EN, "@language": "en"},
        ],
        "dct:publisher": {"@id": publisher["@id"]},
        "dct:modified": {"@value": last.date().isoformat(), "@type": "xsd:date"},
        "foaf:homepage": {"@id": _page_url()},
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/ITA"},
        "dcat:dataset": [{"@id": dataset["@id"]}],
    }
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dcatapit": "http://dati.gov.it/onto/dcatapit#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@graph": [catalog, dataset, *distributions, publisher, contact, licence],
    }
