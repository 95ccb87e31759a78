"""Two-factor authentication: enrolment, signing in with a code, recovery codes, rate limits,
and the back office closed to staff accounts without a second factor (ADMIN_REQUIRE_MFA)."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from tests.accounts.softkey import SoftKey, stored_key
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def totp_code(secret, offset=0):
    """The code an authenticator app shows now (offset: in periods of 30 seconds)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def enrol_totp(user):
    """Give `user` an authenticator app and recovery codes; return the app's secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def english(name):
    """The English address of a page: its messages are asserted in English."""
    with translation.override("en"):
        return reverse(name)


def sign_in(client, user, password=PASSWORD, prefix=""):
    return client.post(f"{prefix}/account/login/", {"login": user.email, "password": password})


def confirm_access(client, password=PASSWORD):
    """allauth asks for the password again before the second factors can be changed."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()[:2000]


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


# --- Enrolment ---------------------------------------------------------------------------------


def test_a_referent_enrols_an_authenticator_app_and_receives_recovery_codes(client, referent_a):
    assert sign_in(client, referent_a).status_code == 302
    confirm_access(client)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, not an external image
    secret = page.context["form"].secret
    assert f'value="{secret}"' in html

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    types = set(Authenticator.objects.filter(user=referent_a).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200
    unused = codes.context["unused_codes"]
    assert len(unused) == 10
    assert unused[0] in codes.content.decode()


def test_a_wrong_code_does_not_activate_the_app(client, referent_a):
    sign_in(client, referent_a)
    confirm_access(client)
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"

    response = client.post(english("mfa_activate_totp"), {"code": wrong})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.filter(user=referent_a).exists()


def test_changing_the_second_factor_asks_to_confirm_the_password_first(client, referent_a):
    # A session left open on a shared computer must not be enough to enrol an attacker's app.
    sign_in(client, referent_a)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_a_person_with_an_app_can_confirm_access_with_a_code(client, referent_a):
    secret = enrol_totp(referent_a)
    client.force_login(referent_a)
    page = client.get(reverse("account_reauthenticate"))
    assert reverse("mfa_reauthenticate") in page.content.decode()

    response = client.post(reverse("mfa_reauthenticate"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert client.get(reverse("mfa_generate_recovery_codes")).status_code == 200


# --- Signing in ----------------------------------------------------------------------------


def test_signing_in_with_two_factors_asks_for_the_code_after_the_password(client, referent_a):
    secret = enrol_totp(referent_a)

    response = sign_in(client, referent_a)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_user_id(client) is None
    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()
    assert "mfa_webauthn_authenticate" not in page.content.decode()  # no key, no key button

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert response["Location"] == reverse("area:dashboard")  # where a referent works
    assert signed_in_user_id(client) == str(referent_a.pk)


def test_a_code_from_a_phone_whose_clock_is_a_little_off_is_accepted(client, referent_a):
    secret = enrol_totp(referent_a)
    sign_in(client, referent_a)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, offset=-1)})
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(referent_a.pk)


def test_a_code_is_accepted_only_once(client, referent_a):
    secret = enrol_totp(referent_a)
    code = totp_code(secret)
    sign_in(client, referent_a)
    client.post(reverse("mfa_authenticate"), {"code": code})
    client.logout()
    sign_in(client, referent_a)
    response = client.post(english("mfa_authenticate"), {"code": code})
    assert "Incorrect code." in response.content.decode()
    assert signed_in_user_id(client) is None


def test_a_recovery_code_signs_in_once(client, referent_a):
    enrol_totp(referent_a)
    recovery = Authenticator.objects.get(user=referent_a, type=Authenticator.Type.RECOVERY_CODES)
    code = recovery.wrap().get_unused_codes()[0]

    sign_in(client, referent_a)
    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(referent_a.pk)
    recovery.refresh_from_db()
    assert code not in recovery.wrap().get_unused_codes()

    # The same code does not work a second time.
    client.logout()
    sign_in(client, referent_a)
    response = client.post(english("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert signed_in_user_id(client) is None


def test_a_wrong_code_is_refused(client, referent_a):
    secret = enrol_totp(referent_a)
    sign_in(client, referent_a)
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"

    response = client.post(english("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert signed_in_user_id(client) is None


def test_codes_are_rate_limited_so_they_cannot_be_guessed(client, settings, referent_a):
    # Wrong codes count as failed logins of the account: "…,5/5m/key".
    assert "5/5m/key" in settings.ACCOUNT_RATE_LIMITS["login_failed"]
    secret = enrol_totp(referent_a)
    sign_in(client, referent_a)
    for guess in range(5):
        response = client.post(english("mfa_authenticate"), {"code": f"{guess:06d}"})
        assert "Too many failed login attempts" not in response.content.decode()

    # Now even the right code is refused, with a clear message.
    response = client.post(english("mfa_authenticate"), {"code": totp_code(secret)})

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_the_login_page_offers_passkeys_with_scripts_from_our_own_server(client):
    html = client.get(reverse("account_login")).content.decode()
    assert 'id="passkey_login"' in html
    assert reverse("mfa_login_webauthn") in html
    assert 'src="/static/mfa/js/webauthn.js"' in html


def test_passkey_sign_in_attempts_are_rate_limited(client, settings):
    settings.MFA_RATE_LIMITS = {"webauthn_login": "2/m/ip"}
    url = reverse("mfa_login_webauthn")
    forged = {"credential": '{"id": "x"}'}
    assert client.post(url, forged).status_code == 302  # back to the login page, not signed in
    assert client.post(url, forged).status_code == 302
    assert client.post(url, forged).status_code == 429
    assert signed_in_user_id(client) is None


def test_a_referent_adds_a_security_key_and_uses_it_as_second_factor(client, referent_a):
    key = SoftKey()
    sign_in(client, referent_a)
    confirm_access(client)
    authenticator = add_security_key(client, key, name="YubiKey blu")
    assert authenticator.wrap().name == "YubiKey blu"
    # The first key also brings recovery codes, for the day it gets lost.
    assert Authenticator.objects.filter(user=referent_a, type="recovery_codes").exists()

    client.logout()
    response = sign_in(client, referent_a)
    assert response["Location"] == reverse("mfa_authenticate")
    page = client.get(reverse("mfa_authenticate"))
    assert 'id="mfa_webauthn_authenticate"' in page.content.decode()
    credential = key.sign(page.context["js_data"]["request_options"])
    response = client.post(reverse("mfa_authenticate"), {"credential": credential}, secure=True)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(referent_a.pk)


def test_a_passkey_signs_in_without_a_password(client, referent_a):
    key = SoftKey(resident=True)
    sign_in(client, referent_a)
    confirm_access(client)
    add_security_key(client, key, passwordless=True)
    client.logout()

    url = reverse("mfa_login_webauthn")
    options = client.get(url, HTTP_ACCEPT="application/json").json()["request_options"]
    response = client.post(url, {"credential": key.sign(options)}, secure=True)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(referent_a.pk)


def test_a_key_from_another_site_is_refused(client, referent_a):
    key = SoftKey()
    sign_in(client, referent_a)
    confirm_access(client)
    page = client.get(reverse("mfa_add_webauthn"))
    options = page.context["js_data"]["creation_options"]
    options["publicKey"]["rp"]["id"] = "phishing.example"
    data = {"name": "Chiave", "credential": key.register(options)}

    response = client.post(english("mfa_add_webauthn"), data, secure=True)

    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=referent_a).exists()


def test_nobody_else_can_rename_or_remove_a_key(client, referent_a, referent_b):
    key = stored_key(referent_a)
    client.force_login(referent_b)
    confirm_access(client)
    for name in ["mfa_edit_webauthn", "mfa_remove_webauthn"]:
        url = reverse(name, kwargs={"pk": key.pk})
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "Mia"}).status_code == 404
    key.refresh_from_db()
    assert key.wrap().name == "Chiave di prova"


def test_the_owner_renames_and_removes_a_key(client, referent_a):
    key = stored_key(referent_a)
    client.force_login(referent_a)
    confirm_access(client)
    edit = reverse("mfa_edit_webauthn", kwargs={"pk": key.pk})
    assert client.post(edit, {"name": "Chiave blu"}).status_code == 302
    key.refresh_from_db()
    assert key.wrap().name == "Chiave blu"
    assert client.post(reverse("mfa_remove_webauthn", kwargs={"pk": key.pk})).status_code == 302
    assert not Authenticator.objects.filter(pk=key.pk).exists()


MALFORMED_CREDENTIALS = [
    "5",
    "[]",
    '"text"',
    "{}",
    '{"id": "x"}',
    '{"id": "x", "rawId": "!!!", "type": "public-key", "response": {}}',
    '{"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {"clientDataJSON": "e30",'
    ' "authenticatorData": "AAAA", "signature": "AA", "attestationObject": "oA"}}',
    '{"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {"clientDataJSON": 5}}',
]


@pytest.mark.parametrize("credential", MALFORMED_CREDENTIALS)
def test_a_malformed_security_key_answer_is_refused_not_a_server_error(
    client, referent_a, credential
):
    key = SoftKey(resident=True)
    sign_in(client, referent_a)
    confirm_access(client)
    add_security_key(client, key, passwordless=True)
    before = list(Authenticator.objects.values_list("pk", "data"))

    # Adding another key, confirming access, signing in with a passkey, the second step.
    client.get(reverse("mfa_add_webauthn"))
    response = client.post(reverse("mfa_add_webauthn"), {"credential": credential}, secure=True)
    assert response.status_code == 200
    client.get(reverse("mfa_reauthenticate_webauthn"))
    response = client.post(
        reverse("mfa_reauthenticate_webauthn"), {"credential": credential}, secure=True
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    client.logout()
    url = reverse("mfa_login_webauthn")
    client.get(url, HTTP_ACCEPT="application/json")
    response = client.post(url, {"credential": credential}, secure=True)
    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    sign_in(client, referent_a)
    client.get(reverse("mfa_authenticate"))
    response = client.post(english("mfa_authenticate"), {"credential": credential}, secure=True)
    assert response.status_code == 200
    assert '<div class="alert alert-danger" role="alert">' in response.content.decode()
    assert signed_in_user_id(client) is None
    assert list(Authenticator.objects.values_list("pk", "data")) == before


def test_a_key_answer_the_database_cannot_store_is_refused(client, referent_a):
    # A NUL character in the JSON: PostgreSQL's jsonb refuses it (SQLite would store it).
    key = SoftKey(extension_results={"note": "a\x00b"})
    sign_in(client, referent_a)
    confirm_access(client)
    page = client.get(reverse("mfa_add_webauthn"))
    credential = key.register(page.context["js_data"]["creation_options"])
    data = {"name": "Chiave", "credential": credential}

    response = client.post(english("mfa_add_webauthn"), data, secure=True)

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.filter(user=referent_a).exists()


# --- The back office -------------------------------------------------------------------------


@pytest.fixture
def require_mfa(settings):
    settings.ADMIN_REQUIRE_MFA = True


def test_staff_without_a_second_factor_is_sent_to_enrol(client, coordinator, require_mfa):
    client.force_login(coordinator)

    response = client.get("/en/admin/")

    assert response.status_code == 302
    assert response["Location"] == english("mfa_index")
    page = client.get(response["Location"])
    assert "open only to accounts protected by two-factor authentication" in (page.content.decode())


def test_every_admin_page_is_closed_not_only_the_index(client, coordinator, require_mfa):
    client.force_login(coordinator)
    for url in [
        reverse("admin:partners_organization_changelist"),
        reverse("admin:partners_organization_add"),
        reverse("admin:jsi18n"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_index")


def test_a_superuser_needs_a_second_factor_too(client, require_mfa):
    admin = get_user_model().objects.create_superuser("root", "root@distretto.example", PASSWORD)
    client.force_login(admin)
    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_index")


def test_staff_without_a_second_factor_can_still_sign_out(client, coordinator, require_mfa):
    client.force_login(coordinator)
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 200
    assert signed_in_user_id(client) is None


def test_staff_with_an_authenticator_app_reaches_the_admin(client, coordinator, require_mfa):
    secret = enrol_totp(coordinator)
    sign_in(client, coordinator)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:partners_organization_changelist")).status_code == 200


def test_the_two_factor_page_leads_staff_back_to_the_admin_once_enrolled(
    client, coordinator, require_mfa
):
    enrol_totp(coordinator)
    client.force_login(coordinator)
    html = client.get(reverse("mfa_index")).content.decode()
    assert f'href="{reverse("admin:index")}"' in html


def test_people_who_are_not_staff_are_refused_as_before(client, referent_a, require_mfa):
    client.force_login(referent_a)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_without_the_requirement_the_demo_coordinator_walks_in(client, coordinator, settings):
    settings.ADMIN_REQUIRE_MFA = False
    client.force_login(coordinator)
    assert client.get(reverse("admin:index")).status_code == 200


def _setting_in(env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "ADMIN_REQUIRE_MFA"}}
    env.update(env_overrides)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.ADMIN_REQUIRE_MFA)",
        ],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "distretto.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_requirement_is_on_in_production_and_off_while_developing():
    production = {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 64,
        "ALLOWED_HOSTS": "distretto.example",
    }
    assert _setting_in(production) == "True"
    assert _setting_in(production | {"ADMIN_REQUIRE_MFA": "0"}) == "False"
    assert _setting_in({"DEBUG": "1"}) == "False"
    assert _setting_in({"DEBUG": "1", "ADMIN_REQUIRE_MFA": "1"}) == "True"


# --- Pages ---------------------------------------------------------------------------------


def test_the_profile_links_referents_and_the_coordinator_to_two_factor(
    client, referent_a, coordinator, employee_a
):
    link = f'href="{reverse("mfa_index")}"'
    for user, shown in [(referent_a, True), (coordinator, True), (employee_a, False)]:
        client.force_login(user)
        assert (link in client.get(reverse("account:profile")).content.decode()) is shown


SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)


def add_security_key(client, key, name="Chiave dell'ufficio", passwordless=False):
    """Register `key` through the "Add security key" page (access already confirmed)."""
    page = client.get(reverse("mfa_add_webauthn"))
    assert page.status_code == 200
    data = {"name": name, "credential": key.register(page.context["js_data"]["creation_options"])}
    if passwordless:
        data["passwordless"] = "on"
    response = client.post(reverse("mfa_add_webauthn"), data, secure=True)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Authenticator.objects.get(user_id=client.session["_auth_user_id"], type="webauthn")


def _signed_in_with_everything(client, user):
    """A session that may open every two-factor page: app, recovery codes and a key."""
    enrol_totp(user)
    client.force_login(user)
    confirm_access(client)
    return add_security_key(client, SoftKey())


def test_the_two_factor_pages_use_the_site_layout_and_no_inline_code(client, referent_a):
    key = _signed_in_with_everything(client, referent_a)
    urls = [
        reverse("mfa_index"),
        reverse("mfa_deactivate_totp"),
        reverse("mfa_view_recovery_codes"),
        reverse("mfa_generate_recovery_codes"),
        reverse("mfa_list_webauthn"),
        reverse("mfa_add_webauthn"),
        reverse("mfa_edit_webauthn", kwargs={"pk": key.pk}),
        reverse("mfa_remove_webauthn", kwargs={"pk": key.pk}),
        reverse("mfa_reauthenticate"),
    ]
    for url in urls:
        assert_our_layout_without_inline_code(client.get(url), url)


def test_enrolment_sign_in_and_login_pages_have_no_inline_code_either(client, referent_a):
    assert_our_layout_without_inline_code(client.get(reverse("account_login")), "login")
    sign_in(client, referent_a)
    confirm_access(client)
    url = reverse("mfa_activate_totp")
    assert_our_layout_without_inline_code(client.get(url), url)
    client.logout()
    stored_key(referent_a)
    sign_in(client, referent_a)
    url = reverse("mfa_authenticate")
    assert_our_layout_without_inline_code(client.get(url), url)


def assert_our_layout_without_inline_code(response, url):
    assert response.status_code == 200, url
    html = response.content.decode()
    assert "bootstrap-italia" in html, url  # our base.html, not allauth's bare layout
    assert 'name="robots" content="noindex, nofollow"' in html, url
    assert " style=" not in html, url
    for attributes in SCRIPT.findall(html):
        # External files, or JSON data the CSP does not execute.
        assert "src=" in attributes or 'type="application/json"' in attributes, (url, attributes)
    assert "script-src 'self'" in response["Content-Security-Policy"], url


def test_the_two_factor_pages_are_in_italian(client, referent_a):
    client.force_login(referent_a)
    html = client.get(reverse("mfa_index")).content.decode()
    assert "autenticazione a due fattori" in html.lower()
    assert "Two-Factor Authentication" not in html
