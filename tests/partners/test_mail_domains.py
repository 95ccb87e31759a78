"""Public mail domains (webmail, providers, disposable, PEC) are never a verification domain."""

import pytest
from django.contrib import admin as django_admin
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from django.test import RequestFactory
from django.utils import translation

from partners.mail_domains import is_public_mail_domain
from partners.models import Affiliation, EmailDomain, Organization
from tests import factories
from tests.accounts.helpers import sign_up_and_confirm


@pytest.fixture(autouse=True)
def _english():
    # The messages are asserted in English (Italian is the site's language).
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    "domain",
    [
        "gmail.com",
        "outlook.com",
        "icloud.com",
        "mailinator.com",
        "libero.it",
        "virgilio.it",
        "alice.it",
        "tiscali.it",
        "tim.it",
        "fastwebnet.it",
        "email.it",
        "inwind.it",
        "iol.it",
        "hotmail.it",
        "live.it",
        "yahoo.it",
        "pec.it",
        "legalmail.it",
        "arubapec.it",
        "postecert.it",
        "pec.comune.trento.it",
        "cert.legalmail.it",
        "comune.trento.pec.it",
        "mail.libero.it",
        " GMAIL.COM ",
        "@libero.it",
    ],
)
def test_webmail_provider_disposable_and_pec_domains_are_public(domain):
    assert is_public_mail_domain(domain)


@pytest.mark.parametrize(
    "domain",
    ["fbk.eu", "comune.trento.it", "unitn.it", "alfa.example", "specialisti.it", "tim.com"],
)
def test_an_organisations_own_domain_is_not_public(domain):
    assert not is_public_mail_domain(domain)


@pytest.mark.django_db
def test_the_model_refuses_a_public_domain_with_a_clear_message(org_a):
    with pytest.raises(ValidationError) as error:
        EmailDomain(organization=org_a, domain="gmail.com").full_clean()
    assert "gmail.com is a public mail domain" in " ".join(error.value.messages)


@pytest.mark.django_db
def test_every_model_form_refuses_a_public_domain(org_a):
    form = modelform_factory(EmailDomain, fields=["organization", "domain"])(
        data={"organization": org_a.pk, "domain": "pec.comune.trento.it"}
    )
    assert not form.is_valid()
    assert "public mail domain" in form.errors["domain"][0]


@pytest.mark.django_db
def test_the_admin_domain_page_refuses_a_public_domain(client, coordinator, org_a):
    client.force_login(coordinator)
    response = client.post(
        "/en/admin/partners/emaildomain/add/", {"organization": org_a.pk, "domain": "gmail.com"}
    )
    assert response.status_code == 200
    assert "gmail.com is a public mail domain" in response.content.decode()
    assert not EmailDomain.objects.filter(domain="gmail.com").exists()


@pytest.mark.django_db
def test_the_organisations_domain_inline_refuses_a_public_domain(coordinator, org_a):
    model_admin = django_admin.site._registry[Organization]
    request = RequestFactory().get("/en/admin/")
    request.user = coordinator
    formset_class = next(
        formset
        for formset, inline in model_admin.get_formsets_with_inlines(request, org_a)
        if inline.model is EmailDomain
    )
    prefix = formset_class.get_default_prefix()
    existing = list(org_a.email_domains.all())
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(existing) + 1),
        f"{prefix}-INITIAL_FORMS": str(len(existing)),
    }
    for i, domain in enumerate(existing):
        data |= {f"{prefix}-{i}-id": domain.pk, f"{prefix}-{i}-domain": domain.domain}
    data[f"{prefix}-{len(existing)}-domain"] = "libero.it"

    formset = formset_class(data=data, instance=org_a, prefix=prefix)

    assert not formset.is_valid()
    assert "libero.it is a public mail domain" in str(formset.errors)


@pytest.mark.django_db
def test_a_verified_public_address_never_makes_an_employee_even_if_the_domain_is_on_file(client):
    # A row written before the rule existed (or straight into the database).
    organization = factories.make_organization("Con dominio pubblico")
    EmailDomain.objects.create(organization=organization, domain="gmail.com")

    sign_up_and_confirm(client, "chiunque@gmail.com")

    assert not Affiliation.objects.filter(organization=organization).exists()
