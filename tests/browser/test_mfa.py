"""Two-factor authentication in a real browser: an authenticator app, then a security key.

The key is Chromium's virtual authenticator (DevTools protocol), so allauth's WebAuthn scripts
run for real under the site's Content-Security-Policy. The flow runs in English (/en/).
"""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from partners.models import Affiliation
from tests import factories
from tests.browser.conftest import check_page
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def totp_code(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_referent_protects_the_account_with_an_app_and_a_security_key(
    live_server, page, problems
):
    # WebAuthn needs a secure context: http://localhost is one, http://127.0.0.1 is not.
    url = live_server.url.replace("127.0.0.1", "localhost")
    organization = factories.make_organization("Organizzazione Alfa", domain="alfa.example")
    referent = factories.make_user("carla@alfa.example")
    factories.affiliate(referent, organization, role=Affiliation.Role.REFERENT)
    violations = {}

    page.goto(f"{url}/en/account/login/?next=/en/account/profilo/")
    violations["login"] = check_page(page, "mfa-login")
    page.get_by_label("E-mail").fill(referent.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.get_by_role("link", name="Two-factor authentication").click()
    violations["index"] = check_page(page, "mfa-index")

    # The authenticator app: confirm the password, scan (here: read) the secret, type a code.
    page.get_by_role("link", name="Activate").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    violations["activate"] = check_page(page, "mfa-activate-totp")
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url("**/recovery-codes/")
    violations["recovery_codes"] = check_page(page, "mfa-recovery-codes")
    assert len(page.get_by_label("Unused codes").input_value().split()) == 10

    # A security key: Chromium's virtual authenticator answers allauth's scripts.
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    page.goto(f"{url}/en/account/2fa/webauthn/add/")
    violations["add_key"] = check_page(page, "mfa-add-key")
    page.get_by_label("Name").fill("Chiave USB")
    page.get_by_role("button", name="Add").click()
    # The add page itself is under /account/2fa/: wait until the browser has left it, so the
    # key is saved before the database is asked (under load the check used to run first).
    page.wait_for_url(lambda address: not address.endswith("/webauthn/add/"))
    assert Authenticator.objects.filter(user=referent, type="webauthn").count() == 1
    page.goto(f"{url}/en/account/2fa/webauthn/")
    violations["keys"] = check_page(page, "mfa-keys")

    # Next sign-in: password, then the key.
    page.goto(f"{url}/en/account/profilo/")
    page.locator("main").get_by_role("button", name="Log out").click()
    page.goto(f"{url}/en/account/login/")
    page.get_by_label("E-mail").fill(referent.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url("**/2fa/authenticate/")
    violations["authenticate"] = check_page(page, "mfa-authenticate")
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url("**/area-partner/")  # where a referent works

    assert violations == {name: [] for name in violations}
    assert problems == {"csp": [], "js": [], "failed": []}
