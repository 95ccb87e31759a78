"""services' `*_ensure` actions: categories, audiences and services as a data file gives them."""

import pytest
from django.core.exceptions import ValidationError

from services import actions
from services.models import WelfareService
from tests import factories


def test_a_service_open_to_all_partners_keeps_no_chosen_organisations(org_a, org_b):
    category = actions.category_ensure(slug="mobilita", name="Mobilità", actor=None).obj
    fields = {
        "provider": org_a,
        "title": "Bici aziendali",
        "summary": "Biciclette in prestito.",
        "description": "Biciclette in prestito per il tragitto casa-lavoro, con casco.",
        "category": category,
        "cost": WelfareService.Cost.FREE,
        "is_online": True,
        "contact_email": "welfare@alfa.example",
    }
    actions.service_ensure(
        slug="bici",
        eligibility=WelfareService.Eligibility.CHOSEN_PARTNERS,
        eligible_organizations=[org_a, org_b],
        actor=None,
        **fields,
    )
    result = actions.service_ensure(
        slug="bici",
        eligibility=WelfareService.Eligibility.ALL_PARTNERS,
        eligible_organizations=[org_b],
        actor=None,
        **fields,
    )
    service = WelfareService.objects.get(slug="bici")
    assert set(result.changed) == {"eligibility", "eligible_organizations"}
    assert not service.eligible_organizations.exists()


def test_an_audience_is_found_again_by_its_code(db):
    factories.make_audience("0-3", name="Bambini piccoli")
    result = actions.audience_ensure(code="0-3", name="Bambini 0–3 anni", position=1, actor=None)
    assert result.changed == ("name", "position")
    assert result.obj.name == "Bambini 0–3 anni"


def test_a_service_that_breaks_the_service_rules_is_refused_and_not_saved(org_a):
    category = actions.category_ensure(slug="mobilita", name="Mobilità", actor=None).obj
    with pytest.raises(ValidationError) as error:
        actions.service_ensure(
            slug="bici",
            provider=org_a,
            title="Bici aziendali",
            summary="Biciclette in prestito.",
            description="Biciclette in prestito per il tragitto casa-lavoro, con casco.",
            category=category,
            cost=WelfareService.Cost.PAID,
            actor=None,
        )
    assert {"cost_conditions", "address", "contact_email"} <= set(error.value.message_dict)
    assert not WelfareService.objects.exists()
