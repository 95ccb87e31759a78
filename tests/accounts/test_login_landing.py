"""After signing in, each role lands where it works, unless the login carried a `next`."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.accounts.helpers import sign_up_and_confirm
from tests.area.helpers import pending_affiliation
from tests.factories import PASSWORD


def log_in(client, user, prefix="", next_url=None):
    query = f"?next={next_url}" if next_url else ""
    return client.post(
        f"{prefix}/account/login/{query}", {"login": user.email, "password": PASSWORD}
    )


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("coordinator", "admin:index"),
        ("referent_a", "area:dashboard"),
        ("employee_a", "services:service-list"),
        # No organisation yet: the profile says how to join one.
        ("unaffiliated", "account:profile"),
    ],
)
def test_each_role_lands_where_it_works(client, request, role, landing):
    response = log_in(client, request.getfixturevalue(role))
    assert response.status_code == 302
    assert response["Location"] == reverse(landing)


def test_the_landing_page_keeps_the_language_of_the_login_page(client, referent_a):
    response = log_in(client, referent_a, prefix="/en")
    with translation.override("en"):
        assert response["Location"] == reverse("area:dashboard")
    assert response["Location"].startswith("/en/")


def test_a_next_address_wins_over_the_role_landing(client, referent_a):
    saved = reverse("services:saved-list")
    response = log_in(client, referent_a, next_url=saved)
    assert response["Location"] == saved


def test_a_waiting_affiliation_request_lands_on_the_profile(client, org_a):
    waiting = pending_affiliation(org_a).user
    response = log_in(client, waiting)
    assert response["Location"] == reverse("account:profile")


def test_a_new_account_lands_on_its_profile_which_says_where_it_belongs(client, org_a):
    response = sign_up_and_confirm(client, "nuova@alfa.example")
    assert response["Location"] == reverse("account:profile")
