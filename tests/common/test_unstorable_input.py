"""Input PostgreSQL cannot store (NUL, lone surrogates, bytes that are not UTF-8) is a 400.

SQLite stores a NUL; PostgreSQL refuses it and the view used to fail with a 500. The
middleware (common/middleware.py) answers with our 400 page before any view runs.
"""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from common.middleware import is_clean_query, is_storable
from meetings.models import Attendance
from partners.models import ReferentInvitation
from tests import factories


@pytest.fixture(autouse=True)
def _default_language():
    with translation.override(settings.LANGUAGE_CODE):
        yield


def assert_our_400(response):
    assert response.status_code == 400
    # Our page in the site's layout, not Django's bare text.
    assert [template.name for template in response.templates][:2] == ["400.html", "base.html"]


@pytest.fixture
def meeting(org_a):
    group = factories.make_group()
    group.members.add(org_a)
    return factories.make_meeting(group)


def test_a_nul_in_the_meeting_reply_is_a_400_and_records_nothing(client, referent_a, meeting):
    client.force_login(referent_a)
    url = reverse("meetings:meeting-rsvp", args=[meeting.pk])
    response = client.post(url, {"status": "confirmed", "representative": "Carla\x00Rossi"})
    assert_our_400(response)
    assert not Attendance.objects.exists()


def test_a_nul_in_the_partner_area_service_search_is_a_400(client, referent_a):
    client.force_login(referent_a)
    response = client.get(reverse("area:service-list"), {"q": "nido\x00"})
    assert_our_400(response)


@pytest.mark.parametrize("query", ["q=%00", "q=%C0%AF", "q=%ED%A0%80", "%00=1", "q=a&q=%FF"])
def test_unstorable_query_strings_in_the_admin_are_a_400(client, coordinator, query):
    client.force_login(coordinator)
    response = client.get(f"{reverse('admin:partners_organization_changelist')}?{query}")
    assert_our_400(response)


def test_a_nul_in_the_admin_autocomplete_term_is_a_400(client, coordinator):
    client.force_login(coordinator)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "\x00",
            "app_label": "services",
            "model_name": "welfareservice",
            "field_name": "provider",
        },
    )
    assert response.status_code == 400


def test_a_nul_in_the_address_is_a_400(client, org_a):
    url = reverse("account:invitation-accept", args=["abc"]).replace("abc", "abc%00def")
    response = client.get(url)
    assert_our_400(response)
    assert not ReferentInvitation.objects.exists()


def test_a_nul_in_a_multipart_field_name_or_value_is_a_400(client, referent_a):
    client.force_login(referent_a)
    url = reverse("area:organization-edit")
    assert_our_400(client.post(url, {"description": "Alfa\x00"}))
    assert_our_400(client.post(url, {"descri\x00ption": "Alfa"}))


def test_an_invalid_utf8_form_body_is_a_400(client, referent_a, meeting):
    client.force_login(referent_a)
    url = reverse("meetings:meeting-rsvp", args=[meeting.pk])
    response = client.post(
        url,
        "status=confirmed&representative=%C0%AF",
        content_type="application/x-www-form-urlencoded",
    )
    assert_our_400(response)
    assert not Attendance.objects.exists()


def test_ordinary_accented_text_and_emoji_pass(client, referent_a, meeting):
    client.force_login(referent_a)
    assert client.get(reverse("services:service-list"), {"q": "caffè 😀"}).status_code == 200
    url = reverse("meetings:meeting-rsvp", args=[meeting.pk])
    response = client.post(url, {"status": "confirmed", "representative": "Niccolò Ğ 😀"})
    assert response.status_code == 302
    assert Attendance.objects.get().representative == "Niccolò Ğ 😀"


def test_the_400_page_follows_the_language_of_the_address(client):
    response = client.get("/en/servizi/", {"q": "\x00"})
    assert response.status_code == 400
    assert '<html lang="en">' in response.content.decode()


def test_a_session_cookie_that_cannot_be_a_session_key_counts_as_no_session(client):
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00ijk"
    response = client.get(reverse("services:my-requests"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_checks_name_what_postgresql_refuses():
    assert is_storable("Niccolò 😀")
    assert not is_storable("a\x00b")
    assert not is_storable("\ud800")
    assert is_clean_query("q=caff%C3%A8+latte&page=2&flag")
    assert not is_clean_query("q=%C0%AF")
    assert not is_clean_query("q=%ED%A0%80")
    assert not is_clean_query("q%00=1")
