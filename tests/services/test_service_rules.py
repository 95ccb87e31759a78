"""The rules of a service live in WelfareService.clean(): whoever saves it gets them once."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from services.models import WelfareService
from tests import factories
from tests.area.helpers import service_data


def valid_service(org, **fields):
    defaults = {
        "title": "Centro estivo",
        "slug": "centro-estivo",
        "summary": "Attività estive per i figli dei dipendenti.",
        "description": "Laboratori, gite e sport nei mesi di luglio e agosto, pranzo incluso.",
        "cost": WelfareService.Cost.FREE,
        "address": "Via Sommarive 18, Povo",
        "contact_email": "welfare@alfa.example",
    }
    return WelfareService(provider=org, category=factories.make_category(), **(defaults | fields))


def test_a_complete_service_passes(org_a):
    valid_service(org_a).full_clean()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "Ab"}, "title"),
        ({"summary": "Troppo breve"}, "summary"),
        ({"description": "Poche parole."}, "description"),
        ({"cost": WelfareService.Cost.PAID, "cost_conditions": " "}, "cost_conditions"),
        ({"address": "", "is_online": False}, "address"),
        ({"contact_email": "", "contact_phone": "", "booking_url": ""}, "contact_email"),
        ({"booking_url": "ftp://files.example.org/x"}, "booking_url"),
        ({"image": "services/x.jpg", "image_alt": ""}, "image_alt"),
    ],
)
def test_the_model_refuses_what_the_forms_refuse(org_a, fields, field):
    with pytest.raises(ValidationError) as error:
        valid_service(org_a, **fields).full_clean()
    assert field in error.value.message_dict


def test_chosen_partners_need_at_least_one_partner(org_a):
    with pytest.raises(ValidationError) as error:
        WelfareService.clean_eligible_organizations(WelfareService.Eligibility.CHOSEN_PARTNERS, [])
    assert "eligible_organizations" in error.value.message_dict
    WelfareService.clean_eligible_organizations(WelfareService.Eligibility.CHOSEN_PARTNERS, [org_a])


def test_the_partner_form_shows_each_problem_once(client, referent_a):
    category = factories.make_category()
    client.force_login(referent_a)
    response = client.post(
        reverse("area:service-create"),
        service_data(category, contact_email="not-an-address", booking_url="ftp://x.example/y"),
    )
    errors = response.context["form"].errors
    assert len(errors["contact_email"]) == 1
    assert len(errors["booking_url"]) == 1
    assert not WelfareService.objects.exists()
