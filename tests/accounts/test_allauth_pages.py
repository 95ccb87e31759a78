"""Login by e-mail, rate limits, one login for the admin too, logout on POST, our templates."""

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.contrib.auth import get_user_model
from django.core import mail

from tests import factories
from tests.accounts.helpers import links_in, path_of, sign_up
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

User = get_user_model()


def login(client, email, password=PASSWORD, prefix=""):
    return client.post(f"{prefix}/account/login/", {"login": email, "password": password})


def test_login_is_by_email_and_lands_on_the_profile(client, unaffiliated):
    response = login(client, unaffiliated.email)
    assert response.status_code == 302
    assert response["Location"] == "/account/profilo/"
    assert client.get("/account/profilo/").status_code == 200


def test_the_login_form_asks_for_an_email_not_a_username(client):
    page = client.get("/en/account/login/").content.decode()
    assert 'type="email"' in page
    assert 'name="login"' in page
    assert "Username" not in page


def test_a_username_does_not_log_in(client, unaffiliated):
    response = login(client, unaffiliated.username)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_an_unverified_account_cannot_log_in(client):
    user = factories.make_user("nuovo@example.org", verified=False)
    response = login(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == "/account/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_repeated_failed_logins_lock_the_account_out(client, settings, unaffiliated):
    limit = 5  # settings.ACCOUNT_RATE_LIMITS["login_failed"]: "…,5/5m/key"
    assert f"{limit}/5m/key" in settings.ACCOUNT_RATE_LIMITS["login_failed"]
    for _ in range(limit):
        response = login(client, unaffiliated.email, "wrong-password", prefix="/en")
        assert response.status_code == 200
        assert "Too many failed login attempts" not in response.content.decode()

    # Now even the right password is refused, with a clear message.
    response = login(client, unaffiliated.email, prefix="/en")
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_out_is_per_account(client, unaffiliated):
    other = factories.make_user("altro@example.org")
    for _ in range(5):
        login(client, unaffiliated.email, "wrong-password")
    response = login(client, other.email)
    assert response.status_code == 302


def test_the_admin_login_page_sends_to_the_site_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=%2Fadmin%2F"


def test_the_admin_home_goes_through_the_site_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/account/login/")
    assert response.status_code == 200


def test_the_admin_login_form_does_not_log_anyone_in(client, coordinator):
    response = client.post(
        "/admin/login/", {"username": coordinator.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
    assert "_auth_user_id" not in client.session


def test_the_coordinator_reaches_the_admin_after_the_site_login(client, coordinator):
    response = client.post(
        "/account/login/?next=/admin/", {"login": coordinator.email, "password": PASSWORD}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_non_staff_user_is_refused_by_the_admin_login(client, unaffiliated):
    client.force_login(unaffiliated)
    assert client.get("/admin/login/").status_code == 403


def test_logout_on_get_only_asks_for_confirmation(client, unaffiliated):
    client.force_login(unaffiliated)
    response = client.get("/en/account/logout/")
    assert response.status_code == 200
    assert "Are you sure you want to sign out?" in response.content.decode()
    assert client.session.get("_auth_user_id") == str(unaffiliated.pk)


def test_logout_is_a_post(client, unaffiliated):
    client.force_login(unaffiliated)
    response = client.post("/account/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_signing_up_with_a_taken_address_reveals_nothing(client, unaffiliated):
    response = sign_up(client, unaffiliated.email)
    fresh = sign_up(client.__class__(), "nessuno-nuovo@example.org")
    # Same answer as for a new address; the owner is told by e-mail instead.
    assert response.status_code == fresh.status_code == 302
    assert response["Location"] == fresh["Location"]
    assert User.objects.filter(email=unaffiliated.email).count() == 1
    assert [m.to for m in mail.outbox[:1]] == [[unaffiliated.email]]


def test_password_reset_answers_the_same_for_unknown_addresses(client, unaffiliated):
    known = client.post("/account/password/reset/", {"email": unaffiliated.email})
    unknown = client.post("/account/password/reset/", {"email": "sconosciuto@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/account/password/reset/done/"


def test_password_reset_by_the_mailed_link(client, unaffiliated):
    client.post("/account/password/reset/", {"email": unaffiliated.email})
    link = next(link for link in links_in(mail.outbox[-1]) if "/password/reset/key/" in link)
    response = client.get(path_of(link), follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path_of(link)
    response = client.post(
        form_url, {"password1": "Nuova-password-2026!", "password2": "Nuova-password-2026!"}
    )
    assert response.status_code == 302
    unaffiliated.refresh_from_db()
    assert unaffiliated.check_password("Nuova-password-2026!")


def test_changing_the_password(client, unaffiliated):
    client.force_login(unaffiliated)
    response = client.post(
        "/account/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "Nuova-password-2026!",
            "password2": "Nuova-password-2026!",
        },
    )
    assert response.status_code == 302
    unaffiliated.refresh_from_db()
    assert unaffiliated.check_password("Nuova-password-2026!")


def test_changing_the_primary_address(client, unaffiliated):
    EmailAddress.objects.create(user=unaffiliated, email="nuovo@example.org", verified=True)
    client.force_login(unaffiliated)
    response = client.post("/account/email/", {"action_primary": "", "email": "nuovo@example.org"})
    assert response.status_code == 302
    unaffiliated.refresh_from_db()
    assert unaffiliated.email == "nuovo@example.org"


ANONYMOUS_PAGES = [
    "login/",
    "signup/",
    "password/reset/",
    "password/reset/done/",
    "confirm-email/",
    "confirm-email/not-a-valid-key/",
    "password/reset/key/1-bad-key/",
]
SIGNED_IN_PAGES = ["email/", "password/change/", "logout/", "profilo/", "elimina/", "affiliazione/"]


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("page", ANONYMOUS_PAGES)
def test_the_entrance_pages_render_in_our_layout(client, prefix, page):
    response = client.get(f"{prefix}/account/{page}", follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{"en" if prefix else "it"}">' in html
    assert 'id="main"' in html
    assert "bootstrap-italia" in html


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("page", SIGNED_IN_PAGES)
def test_the_account_pages_render_in_our_layout(client, employee_a, prefix, page):
    client.force_login(employee_a)
    response = client.get(f"{prefix}/account/{page}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{"en" if prefix else "it"}">' in html
    assert "bootstrap-italia" in html


def test_form_fields_use_bootstrap_italia_markup(client):
    html = client.get("/en/account/signup/").content.decode()
    assert 'class="form-control"' in html
    assert '<label for="id_email" class="active">' in html
    assert 'class="btn btn-primary"' in html


def test_errors_are_shown_next_to_the_field_and_linked_to_it(client):
    html = client.post(
        "/en/account/signup/", {"email": "not-an-address", "password1": "a", "password2": "b"}
    ).content.decode()
    assert 'class="form-control is-invalid"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_email_error"' in html
    assert 'aria-describedby="id_email_error"' in html


def test_the_confirmation_page_for_a_valid_key_offers_a_post_form(client):
    user = factories.make_user("nuovo@example.org", verified=False)
    key = EmailConfirmationHMAC(EmailAddress.objects.get(user=user)).key
    html = client.get(f"/en/account/confirm-email/{key}/").content.decode()
    assert 'method="post"' in html
    assert "nuovo@example.org" in html


def test_the_italian_pages_are_in_italian(client):
    html = client.get("/account/login/").content.decode()
    assert "Accedi" in html


def test_the_lock_out_works_with_the_production_database_cache(client, settings, unaffiliated):
    # Production keeps the counters in the database cache shared by every app server.
    from django.core.management import call_command

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "distretto_cache",
        }
    }
    call_command("createcachetable", verbosity=0)
    for _ in range(5):
        login(client, unaffiliated.email, "wrong-password")
    response = login(client, unaffiliated.email, prefix="/en")
    assert "Too many failed login attempts" in response.content.decode()
