"""Accounts and the partner area in a real browser (issue 4).

An employee of Fondazione Bruno Kessler signs up with a @fbk.eu address, confirms it from
the mail, sees a service reserved to FBK's employees and asks for it; FBK's referent answers,
then creates, previews and publishes a new service that shows up in the catalogue.
The flow runs in English (/en/): the interface strings it reads are the source strings.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import expect

from distretto.demo import DEMO_PASSWORD
from partners.models import Affiliation
from services.models import ServiceRequest, WelfareService
from tests.browser.conftest import check_page, choose
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

EMPLOYEE = "giulia.rossi@fbk.eu"
REFERENT = "referente@fbk.eu"
#: Reserved to FBK's own employees in the demo district: a visitor never sees it.
RESERVED = "consulenza-rientro-congedo-parentale"
RESERVED_TITLE = "Consulenza per il rientro dal congedo parentale"
NEW_TITLE = "Gruppo di cammino in pausa pranzo"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/\S*/confirm-email/\S+)")


def test_an_employee_asks_for_a_reserved_service_and_the_referent_answers_and_publishes(
    live_server, page, new_page, demo, problems
):
    url = live_server.url
    violations = {}

    # --- A visitor does not see the reserved service ------------------------------------
    page.goto(f"{url}/en/servizi/?q=congedo")
    assert page.locator("#service-results").count() == 0
    assert page.locator("#empty-state").is_visible()
    assert page.goto(f"{url}/en/servizi/{RESERVED}/").status == 404

    # --- The employee signs up with the work address ---------------------------------------
    page.goto(f"{url}/en/")
    page.locator(".it-access-top-wrapper").get_by_role("link", name="Log in").click()
    page.wait_for_url("**/en/account/login/**")
    page.locator("main").get_by_role("link", name="Sign up").click()
    page.wait_for_url("**/en/account/signup/**")
    violations["sign-up"] = check_page(page, "accounts-sign-up")
    page.fill("#id_email", EMPLOYEE)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("main form").get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/en/account/confirm-email/")
    expect(page.get_by_role("heading", name="Verify your e-mail address")).to_be_visible()

    # The confirmation link from the mail opens a page with a button: GET changes nothing.
    assert [message.to for message in mail.outbox] == [[EMPLOYEE]]
    path = CONFIRM_LINK.search(mail.outbox[0].body).group(1)
    page.goto(url + path)
    assert not EmailAddress.objects.get(email=EMPLOYEE).verified
    page.locator("main form").get_by_role("button", name="Confirm").click()
    # A new account lands on the profile, which says which organisation it belongs to.
    page.wait_for_url("**/en/account/profilo/")
    affiliation = Affiliation.objects.get(user__email=EMPLOYEE)
    assert affiliation.organization.slug == "fondazione-bruno-kessler"
    assert affiliation.status == Affiliation.Status.ACTIVE
    assert page.locator("main").get_by_text("Fondazione Bruno Kessler").first.is_visible()

    # --- Now the reserved service is in the catalogue: the employee asks for it ------------
    page.goto(f"{url}/en/servizi/?q=congedo")
    page.locator("#service-results").get_by_role("link", name=RESERVED_TITLE).click()
    page.wait_for_url(f"**/en/servizi/{RESERVED}/")
    form = page.locator("#service-request-form")
    choose(form, "kind", "booking")
    form.locator('textarea[name="message"]').fill(
        "Vorrei fissare un colloquio a fine mese, prima del rientro dal congedo."
    )
    form.get_by_role("button", name="Send the request").click()
    page.wait_for_url("**/en/servizi/mie-richieste/")
    expect(
        page.get_by_text("Your request has been sent to Fondazione Bruno Kessler")
    ).to_be_visible()
    service_request = ServiceRequest.objects.get(requester__email=EMPLOYEE)
    assert service_request.service.slug == RESERVED
    assert service_request.status == ServiceRequest.Status.OPEN

    # --- FBK's referent logs in and answers ------------------------------------------------
    referent = new_page()
    referent.goto(f"{url}/en/account/login/")
    violations["login"] = check_page(referent, "accounts-login")
    referent.fill("#id_login", REFERENT)
    referent.fill("#id_password", DEMO_PASSWORD)
    referent.locator("main form").get_by_role("button", name="Log in").click()
    # A referent lands in the partner area.
    referent.wait_for_url("**/en/area-partner/")
    violations["partner-dashboard"] = check_page(referent, "accounts-partner-dashboard")

    referent.locator("#requests-heading ~ ul").get_by_role("link", name=RESERVED_TITLE).click()
    referent.wait_for_url(f"**/en/area-partner/richieste/{service_request.pk}/")
    assert EMPLOYEE in referent.locator("#request-details").inner_text()
    choose(referent, "status", "accepted")
    referent.fill("#id_answer", "Certo: la aspettiamo martedì alle 10 all'ufficio del personale.")
    referent.get_by_role("button", name="Send the answer").click()
    referent.wait_for_url(re.compile(r".*/en/area-partner/richieste/$"))
    expect(referent.get_by_text("Your answer has been sent by e-mail.")).to_be_visible()
    service_request.refresh_from_db()
    assert service_request.status == ServiceRequest.Status.ACCEPTED
    answer_mail = [message for message in mail.outbox if message.to == [EMPLOYEE]][-1]
    assert "martedì alle 10" in answer_mail.body

    # --- ...creates a new service, previews it and publishes it ----------------------------
    referent.goto(f"{url}/en/area-partner/")
    referent.locator("main").get_by_role("link", name="New service").click()
    referent.wait_for_url("**/en/area-partner/servizi/nuovo/")
    violations["service-form"] = check_page(referent, "accounts-service-form")
    # Saving an empty form explains what is missing, next to each field.
    referent.get_by_role("button", name="Save as draft").click()
    referent.wait_for_url("**/en/area-partner/servizi/nuovo/")
    assert referent.locator("#id_title_error").is_visible()
    violations["service-form-errors"] = check_page(referent, "accounts-service-form-errors")

    referent.fill("#id_title", NEW_TITLE)
    referent.fill(
        "#id_summary", "Una camminata di mezz'ora sulla collina di Povo, ogni giovedì a pranzo."
    )
    referent.fill(
        "#id_description",
        "Ci si ritrova all'ingresso della sede di via Sommarive alle 12,45 e si cammina "
        "insieme per trenta minuti con un accompagnatore. Non serve iscriversi.",
    )
    referent.select_option("#id_category", label="Health and well-being")
    everyone = referent.locator("#id_audiences").get_by_label("Everyone", exact=True)
    choose(referent, "audiences", everyone.get_attribute("value"))
    choose(referent, "eligibility", "everyone")
    choose(referent, "cost", "free")
    referent.fill("#id_address", "Via Sommarive 18, 38123 Povo (TN)")
    referent.fill("#id_contact_email", "welfare@fbk.eu")
    referent.get_by_role("button", name="Save as draft").click()

    # The preview: the catalogue page with a banner, the service still a draft.
    referent.wait_for_url("**/en/area-partner/servizi/*/anteprima/")
    service = WelfareService.objects.get(title=NEW_TITLE)
    assert service.status == WelfareService.Status.DRAFT
    assert service.provider.slug == "fondazione-bruno-kessler"
    assert referent.locator("h1").inner_text() == NEW_TITLE
    banner = referent.locator("#preview-banner")
    assert banner.is_visible()
    assert referent.locator("#last-verified").count() == 0  # not published: no date to give
    violations["service-preview"] = check_page(referent, "accounts-service-preview")
    visitor = new_page()
    assert visitor.goto(f"{url}/en/servizi/{service.slug}/").status == 404

    banner.get_by_role("button", name=re.compile(r"^Publish")).click()
    expect(
        referent.get_by_text(f"“{NEW_TITLE}” is now published in the catalogue.")
    ).to_be_visible()
    service.refresh_from_db()
    assert service.status == WelfareService.Status.PUBLISHED

    # --- The new service is in the catalogue, for everyone ---------------------------------
    visitor.goto(f"{url}/en/servizi/?q=cammino")
    visitor.locator("#service-results").get_by_role("link", name=NEW_TITLE).click()
    visitor.wait_for_url(f"**/en/servizi/{service.slug}/")
    assert visitor.locator("h1").inner_text() == NEW_TITLE
    assert visitor.locator("#service-audiences").inner_text() == "Everyone"
    assert visitor.locator("#last-verified").is_visible()

    assert violations == {name: [] for name in violations}
    for person in (page, referent, visitor):
        assert person.problems == {"csp": [], "js": [], "failed": []}
