"""Joining the district in a real browser (issue 11, section 1).

A cooperative applies at /en/aderisci/ with its certificate, its contact person confirms
the address from the mail and lands on the private status page; the coordinator approves
from the back office; the contact person gets the referent invitation, signs up through it
and, being in the working group, sees its meetings. Every page on the way is checked with
axe. Runs in English (/en/): the interface strings it reads are the source strings.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from distretto.demo import DEMO_PASSWORD
from meetings.models import Meeting, WorkingGroup
from partners.models import (
    Affiliation,
    EmailDomain,
    MembershipApplication,
    Organization,
    ReferentInvitation,
)
from tests import factories
from tests.browser.conftest import check_page, choose
from tests.factories import PASSWORD, pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)

CONTACT = "anna.verdi@ilponte.example"
NAME = "Cooperativa Sociale Il Ponte"
COORDINATOR = "coordinatore@comune.trento.it"


def link(message, pattern):
    return re.search(r"https?://[^/\s]+(" + pattern + r"\S+)", message.body).group(1)


def test_an_organisation_applies_confirms_is_approved_and_its_referent_joins(
    live_server, page, new_page, demo, problems, settings
):
    settings.ADMIN_REQUIRE_MFA = False
    url = live_server.url
    violations = {}

    # --- The application ----------------------------------------------------------------
    page.goto(f"{url}/en/aderisci/")
    expect(page.get_by_role("heading", name="Join the district", exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text("March 2025")
    violations["form"] = check_page(page, "joining-form")
    form = page.locator("main form")
    form.locator("#id_organization_name").fill(NAME)
    form.locator("#id_kind").select_option("social_cooperative")
    choose(form, "sector", "private")
    choose(form, "size_class", "small")
    choose(form, "certification_phase", "family_audit")
    form.locator("#id_certification_reference").fill("FA-2022-031")
    form.locator("#id_certification_registered_on").fill("2020-09-01")
    form.locator("#id_certification_granted_on").fill("2022-03-10")
    form.locator("#id_certification_expires_on").fill("2028-03-10")
    form.locator("#id_certificate").set_input_files(
        {"name": "certificato.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    form.locator("#id_email_domains").fill("ilponte.example")
    form.locator("#id_contact_name").fill("Anna Verdi")
    form.locator("#id_contact_email").fill(CONTACT)
    form.locator("#id_motivation").fill("Offriamo un doposcuola e vorremmo aprirlo alla rete.")
    form.locator('label[for="id_privacy"]').click()
    form.get_by_role("button", name="Send the application").click()
    expect(page.get_by_role("heading", name="Confirm your e-mail address")).to_be_visible()
    violations["sent"] = check_page(page, "joining-sent")
    application = MembershipApplication.objects.get(organization_name=NAME)
    assert application.status == MembershipApplication.Status.UNCONFIRMED

    # --- The contact person confirms from the mail -------------------------------------------
    [confirmation] = mail.outbox
    assert confirmation.to == [CONTACT]
    page.goto(url + "/en" + link(confirmation, "/aderisci/conferma/"))
    violations["confirm"] = check_page(page, "joining-confirm")
    page.locator("main form").get_by_role("button", name="Confirm and send").click()
    page.wait_for_url("**/en/aderisci/domanda/**")
    expect(page.locator("#application-status")).to_have_text("Submitted")
    violations["status"] = check_page(page, "joining-status")
    status_path = page.url.removeprefix(url)

    # --- The coordinator approves from the back office ------------------------------------
    coordinator = new_page()
    coordinator.goto(f"{url}/en/account/login/")
    coordinator.fill("#id_login", COORDINATOR)
    coordinator.fill("#id_password", DEMO_PASSWORD)
    coordinator.locator("main form").get_by_role("button", name="Log in").click()
    coordinator.wait_for_function("() => !location.pathname.includes('/account/login/')")
    coordinator.goto(f"{url}/en/admin/partners/membershipapplication/")
    row = coordinator.locator("#result_list tr", has_text=NAME)
    row.locator('input[name="_selected_action"]').check()
    coordinator.locator('select[name="action"]').select_option("approve")
    coordinator.locator('button[name="index"]').click()
    expect(coordinator.locator(".messagelist")).to_contain_text("1 application approved")

    application.refresh_from_db()
    organization = application.organization
    assert application.status == MembershipApplication.Status.APPROVED
    assert organization.is_active
    assert EmailDomain.objects.filter(organization=organization, domain="ilponte.example")
    main_group = WorkingGroup.objects.get(slug="gruppo-di-lavoro-distretto")
    assert organization in main_group.members.all()
    invitation = ReferentInvitation.objects.get(organization=organization)
    assert invitation.email == CONTACT
    page.goto(url + status_path)
    expect(page.locator("#application-status")).to_have_text("Approved")

    # --- The contact person accepts the invitation and sees the working group's meetings ----
    invitation_mail = next(
        message
        for message in mail.outbox
        if message.to == [CONTACT] and "/account/invito/" in message.body
    )
    page.goto(url + "/en" + link(invitation_mail, "/account/invito/"))
    page.wait_for_url("**/en/account/signup/**")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("main form").get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/en/account/**")
    assert (
        Affiliation.objects.referents()
        .filter(organization=organization, user__email=CONTACT)
        .exists()
    )
    page.goto(f"{url}/en/incontri/")
    group_meetings = Meeting.objects.filter(group=main_group)
    assert group_meetings.exists()
    expect(page.locator("main")).to_contain_text(group_meetings.order_by("-starts_at")[0].title)

    assert violations == {name: [] for name in violations}
    assert problems == {"csp": [], "js": [], "failed": []}


def test_the_yearly_confirmation_pages_have_no_wcag_violation(
    live_server, page, new_page, demo, problems
):
    """The employee's confirmation page and the referent's people page with the people to
    re-approve and those who lapsed."""
    from django.utils import timezone

    from partners.models import hash_invitation_token

    url = live_server.url
    fbk = Organization.objects.get(slug="fondazione-bruno-kessler")
    asked = timezone.now()
    by_address = Affiliation.objects.get(user__email="dipendente@fbk.eu")
    Affiliation.objects.filter(pk=by_address.pk).update(
        reconfirm_requested_at=asked, reconfirm_token_hash=hash_invitation_token("prova")
    )
    factories.affiliate(
        factories.make_user("approvato@example.net"),
        fbk,
        verified_via="referent_approval",
        reconfirm_requested_at=asked,
    )
    factories.affiliate(
        factories.make_user("decaduto@example.net"), fbk, status="lapsed", ended_at=asked
    )

    page.goto(f"{url}/en/account/conferma-affiliazione/prova/")
    violations = {"reconfirm": check_page(page, "joining-reconfirm")}
    page.locator("main form").get_by_role("button", name="I still work for").click()
    page.wait_for_url(f"{url}/en/")
    by_address.refresh_from_db()
    assert by_address.reconfirm_requested_at is None

    referent = new_page()
    referent.goto(f"{url}/en/account/login/")
    referent.fill("#id_login", "referente@fbk.eu")
    referent.fill("#id_password", DEMO_PASSWORD)
    referent.locator("main form").get_by_role("button", name="Log in").click()
    referent.wait_for_function("() => !location.pathname.includes('/account/login/')")
    referent.goto(f"{url}/en/area-partner/persone/")
    expect(referent.locator("#reapprove-list")).to_contain_text("approvato@example.net")
    expect(referent.locator("#lapsed-list")).to_contain_text("decaduto@example.net")
    violations["people"] = check_page(referent, "joining-people-to-confirm")
    assert violations == {"reconfirm": [], "people": []}
    assert problems == {"csp": [], "js": [], "failed": []}
