"""Each role's first hour, on a phone (375 px) and a laptop (1366 px), in Italian and English.

A referent approves a colleague, an employee sends a request, the coordinator adds an
organisation and invites its referent. Playwright's clicks wait until the control would
really receive the tap (nothing covering it), so each step proves the action is reachable;
no page scrolls sideways, and axe finds no WCAG 2.1 A/AA violation on the portal's pages.
"""

import pytest

from distretto.demo import DEMO_PASSWORD
from partners.models import Affiliation, Organization, ReferentInvitation
from services.models import ServiceRequest, WelfareService
from tests.browser.conftest import check_page, choose

pytestmark = pytest.mark.django_db(transaction=True)

REFERENT = "referente@fbk.eu"
WAITING = "nuovo.collega@example.net"
EMPLOYEE = "dipendente@unitn.it"
COORDINATOR = "coordinatore@comune.trento.it"
SIZES = {"phone": {"width": 375, "height": 812}, "laptop": {"width": 1366, "height": 768}}


@pytest.fixture(params=["phone", "laptop"])
def size(request):
    return request.param


@pytest.fixture(params=["it", "en"])
def language(request):
    return request.param


def open_as(new_page, size):
    page = new_page()
    page.set_viewport_size(SIZES[size])
    return page


def log_in(page, url, prefix, email):
    page.goto(f"{url}{prefix}/account/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def no_sideways_scroll(page):
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths}"


def test_each_role_does_its_first_job(live_server, new_page, demo, size, language):
    url = live_server.url
    prefix = "" if language == "it" else "/en"
    name = f"first-hour-{size}-{language}"
    violations = {}

    # --- A referent approves a colleague who signed up with a personal address -------------
    waiting = Affiliation.objects.get(user__email=WAITING)
    referent = open_as(new_page, size)
    log_in(referent, url, prefix, REFERENT)
    referent.wait_for_url(f"**{prefix}/area-partner/")
    referent.locator("main a[href$='/area-partner/persone/']").first.click()
    referent.wait_for_url("**/area-partner/persone/")
    no_sideways_scroll(referent)
    violations["people"] = check_page(referent, f"{name}-people")
    row = referent.locator(f"li[data-affiliation='{waiting.pk}']")
    row.get_by_role("button").first.click()  # Approve: the first action of the row
    referent.wait_for_url("**/area-partner/persone/")
    waiting.refresh_from_db()
    assert waiting.status == Affiliation.Status.ACTIVE
    no_sideways_scroll(referent)
    # The verified people's actions are in reach too (the table stacks on a phone).
    promote = referent.locator("#member-table button").first
    promote.scroll_into_view_if_needed()
    promote.click(trial=True)

    # --- An employee sends a request about a service --------------------------------------
    employee = open_as(new_page, size)
    log_in(employee, url, prefix, EMPLOYEE)
    employee.wait_for_url(f"**{prefix}/servizi/")
    no_sideways_scroll(employee)
    violations["catalogue"] = check_page(employee, f"{name}-catalogue")
    user = Affiliation.objects.get(user__email=EMPLOYEE).user
    service = (
        WelfareService.objects.visible_to(user)
        .not_ended()
        .exclude(requests__requester=user)
        .order_by("title")
        .first()
    )
    employee.fill("#id_q", service.title)
    employee.locator("#id_q").press("Enter")
    employee.locator("#service-results").get_by_role("link", name=service.title).first.click()
    employee.wait_for_url(f"**/servizi/{service.slug}/")
    no_sideways_scroll(employee)
    violations["service"] = check_page(employee, f"{name}-service")
    form = employee.locator("#service-request-form")
    choose(form, "kind", "interest")
    form.locator("textarea[name='message']").fill("Vorrei sapere se ci sono posti a marzo.")
    form.locator("button[type=submit]").click()
    employee.wait_for_url("**/servizi/mie-richieste/")
    assert ServiceRequest.objects.filter(requester=user, service=service).exists()
    no_sideways_scroll(employee)

    # --- The coordinator adds an organisation and invites its referent ---------------------
    coordinator = open_as(new_page, size)
    log_in(coordinator, url, prefix, COORDINATOR)
    coordinator.wait_for_url(f"**{prefix}/admin/")
    coordinator.locator("a[href$='/admin/partners/organization/add/']").first.click()
    coordinator.wait_for_url("**/admin/partners/organization/add/")
    coordinator.fill("#id_name", "Cooperativa Nuova Prima Ora")
    coordinator.select_option("#id_kind", Organization.Kind.COOPERATIVE)
    coordinator.select_option("#id_membership_status", Organization.MembershipStatus.ACTIVE)
    coordinator.fill("#id_joined_on", "2026-01-15")
    coordinator.fill("#id_invite_referent", "referente@nuova-prima-ora.example")
    no_sideways_scroll(coordinator)
    coordinator.locator("input[name='_save']").click()
    coordinator.wait_for_url("**/admin/partners/organization/")
    organization = Organization.objects.get(name="Cooperativa Nuova Prima Ora")
    invitation = ReferentInvitation.objects.get(organization=organization)
    assert invitation.email == "referente@nuova-prima-ora.example"

    assert violations == {page: [] for page in violations}
