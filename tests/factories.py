"""Small builders for test data: each makes one valid object with overridable fields."""

import itertools
from datetime import date
from io import BytesIO

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from agreements.models import Agreement, Signature
from common.roles import COORDINATOR_GROUP
from meetings.models import Action, Meeting, WorkingGroup, WorkProgramme
from partners.models import Affiliation, Certification, EmailDomain, Organization
from services.models import Audience, Category, WelfareService

PASSWORD = "Distretto-test-2026!"


def pdf_bytes(pages=1, password=None):
    """A real, tiny PDF document made with pypdf (blank pages), optionally encrypted."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=72, height=72)
    if password:
        writer.encrypt(password)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


_counter = itertools.count(1)


def make_user(email=None, *, verified=True, **fields):
    email = email or f"user{next(_counter)}@example.org"
    user = get_user_model().objects.create_user(
        username=email.split("@")[0] + str(next(_counter)),
        email=email,
        password=PASSWORD,
        **fields,
    )
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def make_coordinator(email="coordinatore@comune.trento.it"):
    user = make_user(email, is_staff=True)
    user.groups.add(Group.objects.get(name=COORDINATOR_GROUP))
    return user


def make_organization(name=None, *, domain=None, **fields):
    n = next(_counter)
    name = name or f"Organizzazione {n}"
    defaults = {
        "slug": f"org-{n}",
        "kind": Organization.Kind.COMPANY,
        "membership_status": Organization.MembershipStatus.ACTIVE,
        "joined_on": date(2018, 10, 10),
    }
    organization = Organization.objects.create(name=name, **(defaults | fields))
    if domain:
        EmailDomain.objects.create(organization=organization, domain=domain)
    return organization


def affiliate(user, organization, role=Affiliation.Role.EMPLOYEE, **fields):
    defaults = {
        "status": Affiliation.Status.ACTIVE,
        "verified_via": Affiliation.VerifiedVia.COORDINATOR,
        "verified_at": timezone.now(),
    }
    return Affiliation.objects.create(
        user=user, organization=organization, role=role, **(defaults | fields)
    )


def make_category(name=None, **fields):
    n = next(_counter)
    name = name or f"Categoria {n}"
    return Category.objects.create(name=name, slug=fields.pop("slug", f"categoria-{n}"), **fields)


def make_audience(code=None, **fields):
    n = next(_counter)
    code = code or f"aud-{n}"
    return Audience.objects.create(code=code, name=fields.pop("name", code), **fields)


def make_service(provider, *, category=None, title=None, **fields):
    n = next(_counter)
    status = fields.pop("status", WelfareService.Status.PUBLISHED)
    defaults = {
        "slug": f"servizio-{n}",
        "summary": "Un servizio di prova per i dipendenti.",
        "description": "Descrizione completa del servizio di prova.",
        "cost": WelfareService.Cost.FREE,
        "eligibility": WelfareService.Eligibility.EVERYONE,
        "status": status,
        "published_at": timezone.now() if status == WelfareService.Status.PUBLISHED else None,
    }
    return WelfareService.objects.create(
        provider=provider,
        category=category or make_category(),
        title=title or f"Servizio {n}",
        **(defaults | fields),
    )


def make_certification(organization, **fields):
    defaults = {
        "phase": Certification.Phase.FAMILY_AUDIT,
        "status": Certification.Status.VALID,
        "registered_on": date(2015, 1, 1),
        "granted_on": date(2016, 1, 1),
        "expires_on": date(2030, 1, 1),
    }
    return Certification.objects.create(organization=organization, **(defaults | fields))


def make_agreement(*, signatories=(), **fields):
    n = next(_counter)
    defaults = {
        "kind": Agreement.Kind.AREA,
        "title": f"Accordo {n}",
        "slug": f"accordo-{n}",
        "signed_on": date(2018, 10, 10),
    }
    agreement = Agreement.objects.create(**(defaults | fields))
    for organization in signatories:
        Signature.objects.create(
            agreement=agreement, organization=organization, signed_on=agreement.signed_on
        )
    return agreement


def make_group(**fields):
    n = next(_counter)
    defaults = {"name": f"Gruppo {n}", "slug": f"gruppo-{n}"}
    return WorkingGroup.objects.create(**(defaults | fields))


def make_meeting(group=None, *, starts_at=None, **fields):
    starts_at = starts_at or timezone.now() + timezone.timedelta(days=7)
    defaults = {
        "title": "Incontro del gruppo di lavoro",
        "ends_at": starts_at + timezone.timedelta(hours=2),
        "place": "Comune di Trento",
    }
    return Meeting.objects.create(
        group=group or make_group(), starts_at=starts_at, **(defaults | fields)
    )


def make_programme(year=None, **fields):
    year = year or timezone.localdate().year
    return WorkProgramme.objects.create(
        year=year, title=fields.pop("title", f"Programma di lavoro {year}"), **fields
    )


def make_action(programme, lead, **fields):
    n = next(_counter)
    defaults = {"title": f"Azione {n}", "area": Action.Area.PLANNING}
    return Action.objects.create(programme=programme, lead_organization=lead, **(defaults | fields))
