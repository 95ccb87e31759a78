import pytest
from django.urls import reverse

from services.models import ServiceRequest
from tests import factories

AREA_URL = reverse("area:dashboard")


@pytest.mark.parametrize(
    ("role", "sees_area_link"),
    [("employee_a", False), ("unaffiliated", False), ("referent_a", True)],
)
def test_the_header_links_to_the_partner_area_only_for_referents(as_role, role, sees_area_link):
    response = as_role(role).get("/")
    assert (f'href="{AREA_URL}"' in response.content.decode()) is sees_area_link


def test_the_profile_lists_the_users_requests_for_services(client, employee_a, org_b):
    service = factories.make_service(org_b, title="Campus estivo di prova")
    ServiceRequest.objects.create(service=service, requester=employee_a, message="Posti?")
    client.force_login(employee_a)
    page = client.get(reverse("account:profile")).content.decode()
    assert "Campus estivo di prova" in page
    assert reverse("services:my-requests") in page
    assert reverse("services:saved-list") in page
