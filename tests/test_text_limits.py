"""Every free-text field has a maximum, enforced by the model and by every form."""

import pytest
from django.apps import apps
from django.contrib import admin as django_admin
from django.core.exceptions import ValidationError
from django.db import models
from django.test import RequestFactory

from common.fields import BoundedTextField
from partners.forms import OrganizationProfileForm
from partners.models import Organization
from services.forms import ServiceForm
from services.models import WelfareService
from tests import factories
from tests.area.helpers import en, service_data

DOMAIN_APPS = ("partners", "agreements", "services", "meetings")
HUGE = "x" * 4_500_000


def text_fields():
    for app in DOMAIN_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.TextField):
                    yield pytest.param(model, field, id=f"{model._meta.label}.{field.name}")


@pytest.mark.parametrize(("model", "field"), list(text_fields()))
def test_every_free_text_field_has_a_maximum_the_model_enforces(model, field):
    assert isinstance(field, BoundedTextField)
    assert 0 < field.max_length <= 50_000
    with pytest.raises(ValidationError):
        field.clean("x" * (field.max_length + 1), None)
    field.clean("x" * field.max_length, None)


@pytest.mark.django_db
def test_full_clean_refuses_a_page_sized_service_description(org_a):
    service = factories.make_service(org_a, status=WelfareService.Status.DRAFT)
    service.description = HUGE
    with pytest.raises(ValidationError) as error:
        service.full_clean()
    assert "description" in error.value.message_dict


@pytest.mark.django_db
def test_every_admin_form_limits_every_free_text_field(coordinator):
    request = RequestFactory().get("/admin/")
    request.user = coordinator
    checked = 0
    for model, model_admin in django_admin.site._registry.items():
        if model._meta.app_label not in DOMAIN_APPS:
            continue
        form_fields = model_admin.get_form(request)().fields
        for field in model._meta.get_fields():
            if isinstance(field, models.TextField) and field.name in form_fields:
                assert form_fields[field.name].max_length == field.max_length, field
                checked += 1
    assert checked >= 5


@pytest.mark.parametrize(
    ("form_class", "field_name"),
    [
        (ServiceForm, "description"),
        (ServiceForm, "cost_conditions"),
        (OrganizationProfileForm, "description"),
    ],
)
def test_the_partner_area_forms_limit_their_free_text(form_class, field_name):
    model_field = form_class._meta.model._meta.get_field(field_name)
    assert form_class.base_fields[field_name].max_length == model_field.max_length


@pytest.fixture
def client_a(client, referent_a):
    client.force_login(referent_a)
    return client


@pytest.mark.django_db
def test_a_4_5_mb_service_description_from_the_partner_area_is_refused(client_a, org_a):
    category = factories.make_category("Infanzia", slug="infanzia")
    response = client_a.post(en("area:service-create"), service_data(category, description=HUGE))
    assert response.status_code == 200
    errors = response.context["form"].errors["description"]
    assert errors == ["Ensure this value has at most 10000 characters (it has 4500000)."]
    assert not WelfareService.objects.exists()


@pytest.mark.django_db
def test_a_4_5_mb_organisation_description_from_the_partner_area_is_refused(client_a, org_a):
    response = client_a.post(
        en("area:organization-edit"),
        {"description": HUGE, "website": "", "contact_email": "", "contact_phone": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["description"] == [
        "Ensure this value has at most 5000 characters (it has 4500000)."
    ]
    assert Organization.objects.get(pk=org_a.pk).description == ""


@pytest.mark.django_db
def test_a_4_5_mb_organisation_description_in_the_admin_is_refused(coordinator, org_a):
    model_admin = django_admin.site._registry[Organization]
    request = RequestFactory().get("/admin/")
    request.user = coordinator
    form = model_admin.get_form(request, org_a)(
        data={"description": HUGE}, instance=Organization.objects.get(pk=org_a.pk)
    )
    assert not form.is_valid()
    # The site's language is Italian: the field's message comes in Italian.
    assert "non contenga più di 5000 caratteri" in form.errors["description"][0]
