"""CSV exports of organisations and services: columns, content, encoding and safety."""

import csv
import io
from datetime import date

from partners.models import Certification, EmailDomain, Organization
from services.models import WelfareService
from tests import factories
from tests.admin import builders


def export(client, model, objects):
    response = client.post(
        builders.admin_url(model, "changelist"),
        {"action": "export_csv", "_selected_action": [obj.pk for obj in objects], "index": 0},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    body = response.content.decode("utf-8")
    # A byte-order mark, so that Excel reads the accents right.
    assert body.startswith("\ufeff")
    # The back office answers in Italian here: Italian Excel splits columns at semicolons.
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_organisations_export_with_domains_and_current_phase(coordinator_client):
    organization = factories.make_organization(
        "Università degli Studi di Trento",
        kind=Organization.Kind.UNIVERSITY,
        area="Povo",
        website="https://www.unitn.it",
        joined_on=date(2018, 10, 10),
        domain="unitn.it",
    )
    EmailDomain.objects.create(organization=organization, domain="studenti.unitn.it")
    factories.make_certification(organization, phase=Certification.Phase.FAMILY_AUDIT)
    factories.make_certification(
        organization,
        phase=Certification.Phase.MAINTENANCE,
        status=Certification.Status.IN_PROGRESS,
        registered_on=date(2025, 2, 1),
        granted_on=None,
        expires_on=None,
    )
    factories.make_certification(
        organization,
        phase=Certification.Phase.EXECUTIVE,
        status=Certification.Status.REVOKED,
        registered_on=date(2025, 3, 1),
        granted_on=date(2025, 4, 1),
        expires_on=None,
    )
    unselected = factories.make_organization("Non selezionata")

    header, *rows = export(coordinator_client, Organization, [organization])

    assert len(header) == 10
    assert rows == [
        [
            "Università degli Studi di Trento",
            organization.get_kind_display(),
            organization.get_role_display(),
            organization.get_membership_status_display(),
            "2018-10-10",
            "",
            "Povo",
            "https://www.unitn.it",
            "studenti.unitn.it, unitn.it",
            str(Certification.Phase.MAINTENANCE.label),
        ]
    ]
    assert unselected.name not in str(rows)


def test_services_export_lists_the_selected_services(coordinator_client, org_a):
    category = factories.make_category("Conciliazione")
    service = factories.make_service(
        org_a,
        category=category,
        title="Centro estivo per i figli dei dipendenti",
        cost=WelfareService.Cost.DISCOUNTED,
        last_verified_on=date(2026, 5, 1),
    )
    draft = factories.make_service(org_a, status=WelfareService.Status.DRAFT)

    header, *rows = export(coordinator_client, WelfareService, [service, draft])

    assert len(header) == 10
    assert len(rows) == 2
    row = next(row for row in rows if row[0] == service.title)
    assert row[1:6] == [
        org_a.name,
        "Conciliazione",
        service.get_eligibility_display(),
        service.get_cost_display(),
        service.get_status_display(),
    ]
    assert row[6]  # published at
    assert row[7] == "2026-05-01"
    assert row[8].endswith(service.get_absolute_url())
    draft_row = next(row for row in rows if row[0] == draft.title)
    assert draft_row[6] == ""


def test_cells_that_look_like_formulas_are_neutralised(coordinator_client):
    organization = factories.make_organization('=HYPERLINK("http://evil.example","x")')
    factories.make_organization("+39 Cooperativa", area="-Povo")
    organizations = Organization.objects.all()

    header, *rows = export(coordinator_client, Organization, organizations)

    names = {row[0] for row in rows}
    assert "'" + organization.name in names
    assert "'+39 Cooperativa" in names
    assert any(row[6] == "'-Povo" for row in rows)


def test_the_export_needs_the_back_office(client, employee_a, org_a):
    client.force_login(employee_a)
    response = client.post(
        builders.admin_url(Organization, "changelist"),
        {"action": "export_csv", "_selected_action": [org_a.pk], "index": 0},
    )
    assert response.status_code == 302
    assert "login" in response["Location"]
