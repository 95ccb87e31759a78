"""The coordinator's exports: people and affiliations, service requests, signatures, meeting
attendance. Spreadsheets that open in columns in Italian and English Excel."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from meetings.models import Attendance
from services.models import ServiceRequest
from tests import factories

KINDS = ["people", "requests", "signatures", "attendance"]


def download(client, kind, prefix=""):
    response = client.get(prefix + reverse("admin:export", kwargs={"kind": kind}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return body[1:]


def rows(body, delimiter=";"):
    return list(csv.reader(io.StringIO(body), delimiter=delimiter))


@pytest.fixture
def activity(org_a, org_b, employee_a, referent_b):
    service = factories.make_service(org_b, title="Doposcuola di Beta")
    ServiceRequest.objects.create(
        service=service,
        requester=employee_a,
        requester_organization=org_a,
        kind=ServiceRequest.Kind.BOOKING,
        message="Due bambini.",
    )
    agreement = factories.make_agreement(title="Accordo di area", signed_on=date(2018, 10, 10))
    agreement.signatures.create(organization=org_a, signed_on=date(2018, 10, 10))
    meeting = factories.make_meeting(factories.make_group(name="Gruppo"), title="Incontro")
    Attendance.objects.create(
        meeting=meeting,
        organization=org_b,
        status=Attendance.Status.ATTENDED,
        representative="Rita",
    )


def test_people_and_affiliations(coordinator_client, activity, org_a):
    header, *lines = rows(download(coordinator_client, "people"))
    assert len(header) == 8
    alice = next(line for line in lines if line[0] == "alice@alfa.example")
    assert alice[1] == org_a.name
    assert {line[0] for line in lines} >= {"alice@alfa.example", "dario@beta.example"}


def test_service_requests(coordinator_client, activity):
    header, *lines = rows(download(coordinator_client, "requests"))
    assert [line[1:5] for line in lines] == [
        ["Doposcuola di Beta", "Organizzazione Beta", "alice@alfa.example", "Organizzazione Alfa"]
    ]
    assert "Due bambini." not in download(coordinator_client, "requests")  # no message text


def test_signatures(coordinator_client, activity):
    header, *lines = rows(download(coordinator_client, "signatures"))
    assert lines == [[lines[0][0], lines[0][1], "Organizzazione Alfa", "2018-10-10", ""]]
    assert lines[0][0] == "Accordo di area"


def test_meeting_attendance(coordinator_client, activity):
    header, *lines = rows(download(coordinator_client, "attendance"))
    assert [line[1:4] + line[5:] for line in lines] == [
        ["Incontro", "Gruppo", "Organizzazione Beta", "Rita"]
    ]


def test_english_pages_export_comma_separated_files(coordinator_client, activity):
    body = download(coordinator_client, "signatures", prefix="/en")
    header, *lines = rows(body, delimiter=",")
    assert header[0] == "agreement" and lines[0][2] == "Organizzazione Alfa"


@pytest.mark.parametrize("kind", KINDS)
def test_each_export_is_one_query_whatever_the_rows(
    coordinator_client, activity, kind, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        download(coordinator_client, kind)


@pytest.mark.parametrize("kind", KINDS)
def test_only_the_coordinator_downloads(client, db, kind, referent_a):
    url = reverse("admin:export", kwargs={"kind": kind})
    assert client.get(url).status_code == 302  # to the back office's login
    staff = factories.make_user("staff@example.org")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(url).status_code == 403
    client.force_login(referent_a)
    assert client.get(url).status_code == 302


def test_an_unknown_export_is_404(coordinator_client):
    response = coordinator_client.get(reverse("admin:export", kwargs={"kind": "passwords"}))
    assert response.status_code == 404


def test_exports_are_get_only(coordinator_client):
    response = coordinator_client.post(reverse("admin:export", kwargs={"kind": "people"}))
    assert response.status_code == 405


def test_the_back_office_home_links_the_exports(coordinator_client):
    html = coordinator_client.get(reverse("admin:index")).content.decode()
    for kind in KINDS:
        assert reverse("admin:export", kwargs={"kind": kind}) in html
