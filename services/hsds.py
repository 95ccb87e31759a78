"""The open catalogue in the Open Referral Human Services Data Specification (HSDS 3.0).

What is published is exactly what a visitor who is not logged in may see: the services of
``WelfareService.objects.visible_to(None)`` (never a service reserved to partners'
employees, never a draft or an archived one) and the partner directory's organisations
(``Organization.objects.public()``). No person appears anywhere: the contact addresses are
the services' and organisations' own public ones.

Identifiers are UUIDs, as HSDS asks, derived from our numbers (``uuid5``): stable across
rebuilds and machines, so a harvester can follow a record from one run to the next.

The mapping, field by field, is in the README ("Open data"). Everything here builds plain
dicts; ``services.hsds_views`` turns them into HTTP answers and files.
"""

import hashlib
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Max, Prefetch
from django.urls import reverse
from django.utils import translation

from partners.models import Organization
from services.models import Audience, Category, WelfareService

HSDS_VERSION = "3.0"
# The namespace of every identifier we publish (a fixed random UUID: never change it).
NAMESPACE = uuid.UUID("5b0c4a52-9a43-4b8e-8f0e-0d4f3a1c7e21")
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENSE_NAME = "CC-BY-4.0"
LICENSE_TITLE = "Creative Commons Attribution 4.0 International"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
COST_TAXONOMY = "cost"
TAXONOMIES = {
    # key: (Italian name, description)
    "category": ("Categorie del catalogo", "Le aree di welfare del catalogo del Distretto."),
    "audience": ("Destinatari", "A chi sono rivolti i servizi del catalogo del Distretto."),
}


def hsds_id(kind: str, pk) -> str:
    """The published identifier of our record ``kind``/``pk``.

    For a numeric ``pk`` the UUID carries the number (RFC 9562 version 8: 62 bits of
    number under a prefix that names the kind), so ``record_pk`` reads it back without a
    lookup table; other keys get a name-based UUID (version 5). Stable across rebuilds and
    machines, so a harvester can follow a record from one run to the next.
    """
    if isinstance(pk, int) and 0 <= pk < 2**62:
        return str(uuid.UUID(int=(_prefix(kind) << 64) | (0b10 << 62) | pk))
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{pk}"))


def _prefix(kind: str) -> int:
    digest = int.from_bytes(hashlib.sha256(f"distretto/{kind}".encode()).digest()[:8], "big")
    return (digest & ~(0xF << 12)) | (0x8 << 12)  # the version nibble says 8


def record_pk(kind: str, text: str) -> int | None:
    """Our number behind a published identifier of ``kind``, or None if it is not one."""
    try:
        value = uuid.UUID(str(text)).int
    except (ValueError, TypeError, AttributeError):
        return None
    if value >> 64 != _prefix(kind) or (value >> 62) & 0b11 != 0b10:
        return None
    return value & (2**62 - 1)


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def _link(obj) -> str:
    # Published links are in the site's language, whatever the request's language.
    with translation.override(settings.LANGUAGE_CODE):
        return absolute(obj.get_absolute_url())


def _clean(record: dict) -> dict:
    """HSDS fields are strings or arrays, never null: leave out what we do not know."""
    return {key: value for key, value in record.items() if value not in (None, "")}


# --- What is published ------------------------------------------------------------------------


def open_services():
    """The services a visitor may see (the one visibility rule), with what the mapping reads."""
    return (
        WelfareService.objects.visible_to(None)
        .select_related("provider", "category")
        .prefetch_related(Prefetch("audiences", queryset=Audience.objects.order_by("position")))
        .order_by("pk")
    )


def open_organizations():
    """The organisations of the public partner directory."""
    return Organization.objects.public().order_by("pk")


def data_version() -> str:
    """Changes whenever anything published changes: what cached files are keyed on."""
    services = open_services().order_by()
    organizations = open_organizations().order_by()
    parts = [
        services.aggregate(last=Max("updated_at"))["last"],
        services.count(),
        organizations.aggregate(last=Max("updated_at"))["last"],
        organizations.count(),
        Category.objects.count(),
        Audience.objects.count(),
        list(Category.objects.values_list("pk", "name")),
        list(Audience.objects.values_list("pk", "name")),
    ]
    return uuid.uuid5(NAMESPACE, repr(parts)).hex


# --- Taxonomies -------------------------------------------------------------------------------


def taxonomy(key: str) -> dict:
    name, description = TAXONOMIES[key]
    return {
        "id": hsds_id("taxonomy", key),
        "name": name,
        "description": description,
        "uri": absolute(reverse("hsds:taxonomy-detail", args=[hsds_id("taxonomy", key)])),
        "version": "1",
    }


def taxonomies() -> list[dict]:
    return [taxonomy(key) for key in TAXONOMIES]


def category_term(category: Category) -> dict:
    return _clean(
        {
            "id": hsds_id("category", category.pk),
            "code": category.slug,
            "name": str(category.name),
            "description": category.description or str(category.name),
            "taxonomy": TAXONOMIES["category"][0],
            "taxonomy_id": hsds_id("taxonomy", "category"),
            "language": settings.LANGUAGE_CODE,
        }
    )


def audience_term(audience: Audience) -> dict:
    return {
        "id": hsds_id("audience", audience.pk),
        "code": audience.code,
        "name": str(audience.name),
        "description": str(audience.name),
        "taxonomy": TAXONOMIES["audience"][0],
        "taxonomy_id": hsds_id("taxonomy", "audience"),
        "language": settings.LANGUAGE_CODE,
    }


def taxonomy_terms() -> list[dict]:
    return [category_term(c) for c in Category.objects.order_by("position", "pk")] + [
        audience_term(a) for a in Audience.objects.order_by("position", "pk")
    ]


def _attribute(service: WelfareService, term: dict) -> dict:
    return {
        "id": hsds_id("attribute", f"{service.pk}/{term['id']}"),
        "link_id": hsds_id("service", service.pk),
        "link_type": term["taxonomy"],
        "link_entity": "service",
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }


def service_terms(service: WelfareService) -> list[dict]:
    terms = [category_term(service.category)]
    terms += [audience_term(audience) for audience in service.audiences.all()]
    return terms


# --- Organisations ------------------------------------------------------------------------------


def organization_record(organization: Organization) -> dict:
    kind = str(organization.get_kind_display())
    return _clean(
        {
            "id": hsds_id("organization", organization.pk),
            "name": organization.name,
            "alternate_name": organization.short_name,
            # HSDS requires a description; ours is optional, so its kind stands in.
            "description": organization.description or kind,
            "email": organization.contact_email,
            "website": organization.website,
            "legal_status": kind,
            "logo": absolute(organization.logo.url) if organization.logo else "",
            "uri": _link(organization),
        }
    )


def organization_full(organization: Organization, services: Iterable[WelfareService]) -> dict:
    record = organization_record(organization)
    if organization.contact_phone:
        record["phones"] = [
            {
                "id": hsds_id("organization-phone", organization.pk),
                "number": organization.contact_phone,
            }
        ]
    location = organization_location(organization)
    if location:
        record["locations"] = [location]
    record["services"] = [service_record(service) for service in services]
    return record


def organization_location(organization: Organization) -> dict | None:
    if not (organization.address or organization.latitude is not None):
        return None
    record = _clean(
        {
            "id": hsds_id("organization-location", organization.pk),
            "location_type": "physical",
            "organization_id": hsds_id("organization", organization.pk),
            "name": organization.address or organization.name,
            "description": organization.area,
        }
    )
    if organization.latitude is not None and organization.longitude is not None:
        record["latitude"] = float(organization.latitude)
        record["longitude"] = float(organization.longitude)
    return record


# --- Services -----------------------------------------------------------------------------------


def _fees_description(service: WelfareService) -> str:
    cost = str(service.get_cost_display())
    return f"{cost}. {service.cost_conditions}" if service.cost_conditions else cost


def service_record(service: WelfareService) -> dict:
    """A service's one-to-one fields (the HSDS list shape)."""
    audiences = ", ".join(str(audience.name) for audience in service.audiences.all())
    description = service.summary
    if service.description:
        description = f"{service.summary}\n\n{service.description}"
    return _clean(
        {
            "id": hsds_id("service", service.pk),
            "organization_id": hsds_id("organization", service.provider_id),
            "name": service.title,
            "description": description,
            "url": _link(service),
            "email": service.contact_email,
            "status": "active",
            "application_process": service.booking_url,
            "fees_description": _fees_description(service),
            "eligibility_description": audiences,
            "assured_date": service.last_verified_on.isoformat()
            if service.last_verified_on
            else "",
            "last_modified": service.updated_at.isoformat(),
        }
    )


def service_location(service: WelfareService) -> dict | None:
    if not (service.address or service.area):
        return None
    return _clean(
        {
            "id": hsds_id("service-location", service.pk),
            "location_type": "physical",
            "organization_id": hsds_id("organization", service.provider_id),
            "name": service.address or service.area,
            "description": service.area,
        }
    )


def service_at_location_record(service: WelfareService) -> dict | None:
    location = service_location(service)
    if location is None:
        return None
    return {
        "id": hsds_id("service-at-location", service.pk),
        "service_id": hsds_id("service", service.pk),
        "location_id": location["id"],
        "location": location,
    }


def service_schedule(service: WelfareService) -> dict | None:
    if not (service.available_from or service.available_until):
        return None
    return _clean(
        {
            "id": hsds_id("service-schedule", service.pk),
            "service_id": hsds_id("service", service.pk),
            "valid_from": service.available_from.isoformat() if service.available_from else "",
            "valid_to": service.available_until.isoformat() if service.available_until else "",
        }
    )


def service_full(service: WelfareService) -> dict:
    """A service with everything related to it (the HSDS detail shape)."""
    record = service_record(service)
    record["organization"] = organization_record(service.provider)
    if service.contact_phone:
        record["phones"] = [
            {"id": hsds_id("service-phone", service.pk), "number": service.contact_phone}
        ]
    at_location = service_at_location_record(service)
    record["service_at_locations"] = [at_location] if at_location else []
    schedule = service_schedule(service)
    record["schedules"] = [schedule] if schedule else []
    record["languages"] = [
        {"id": hsds_id("service-language", service.pk), "name": "Italiano", "code": "it"}
    ]
    record["cost_options"] = [
        _clean(
            {
                "id": hsds_id("service-cost", service.pk),
                "service_id": hsds_id("service", service.pk),
                "option": str(service.get_cost_display()),
                "amount_description": service.cost_conditions,
            }
        )
    ]
    record["attributes"] = [_attribute(service, term) for term in service_terms(service)]
    return record
