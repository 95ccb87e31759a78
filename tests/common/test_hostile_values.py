"""Values no row can hold get "nothing found" or the form's message, never a server error.

Each of these failed with a 500 (on SQLite, PostgreSQL or both) before the fix; the sweep in
tests/test_hostile_input.py looks for more of them on every URL.
"""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from common.forms import local_next, page_number
from meetings.models import Attendance
from partners.models import Affiliation, Organization
from services.models import SavedService
from tests import factories

HUGE = "99999999999999999999"


@pytest.fixture(autouse=True)
def _default_language():
    with translation.override(settings.LANGUAGE_CODE):
        yield


def test_integers_out_of_range_in_an_in_lookup_find_nothing(org_a):
    assert list(Organization.objects.filter(pk__in=[int(HUGE), -int(HUGE)])) == []
    assert list(Organization.objects.filter(pk__in=[int(HUGE), org_a.pk])) == [org_a]


def test_a_search_longer_than_the_column_finds_nothing(org_a):
    assert not Organization.objects.filter(name__icontains="x" * 100_000).exists()
    assert Organization.objects.filter(name__icontains="alfa").exists()


def test_a_huge_year_in_the_admin_date_drill_down_is_a_wrong_filter(client, coordinator):
    client.force_login(coordinator)
    url = reverse("admin:partners_affiliation_changelist")
    response = client.get(url, {"created_at__year": HUGE})
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_an_admin_form_sent_back_with_a_wrong_autocomplete_value_shows_the_error(
    client, coordinator, org_a
):
    client.force_login(coordinator)
    user = factories.make_user("nuovo@alfa.example")
    url = reverse("admin:partners_affiliation_add")
    for value in ["abc", HUGE]:
        response = client.post(
            url, {"user": str(user.pk), "organization": value, "role": "employee"}
        )
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["organization"]
    assert not Affiliation.objects.filter(user=user).exists()


def test_a_very_long_admin_search_or_autocomplete_term_finds_nothing(client, coordinator, org_a):
    client.force_login(coordinator)
    term = "x" * 100_000
    response = client.get(reverse("admin:partners_organization_changelist"), {"q": term})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": term,
            "app_label": "partners",
            "model_name": "affiliation",
            "field_name": "user",
        },
    )
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("next_value", [HUGE, "a b", "https://evil.example/", "//evil.example"])
def test_a_next_that_is_not_a_path_of_ours_goes_to_the_default_page(
    client, employee_a, org_a, next_value
):
    service = factories.make_service(org_a)
    client.force_login(employee_a)
    response = client.post(
        reverse("services:service-save", args=[service.slug]), {"next": next_value}
    )
    assert response.status_code == 302
    assert response["Location"] == service.get_absolute_url()
    assert SavedService.objects.filter(user=employee_a, service=service).exists()


def test_the_helpers_read_only_what_they_expect():
    request = RequestFactory().post("/", {"next": "/servizi/?page=2"})
    assert local_next(request, request.POST) == "/servizi/?page=2"
    assert local_next(request, {"next": "x" * 3000}) == ""
    assert [page_number({"page": value}) for value in ["3", "abc", "1.5", "-1", "0", ""]] == [
        3,
        1,
        1,
        -1,
        0,
        1,
    ]
    assert page_number({"page": HUGE}) == int(HUGE)


@pytest.fixture
def meeting(org_a):
    group = factories.make_group()
    group.members.add(org_a)
    return factories.make_meeting(group)


@pytest.mark.parametrize(
    "data",
    [
        {"status": HUGE},
        {"status": ["confirmed", "declined", "maybe"]},
        {"status": "confirmed", "representative": "x" * 100_000},
    ],
)
def test_a_wrong_meeting_answer_gets_the_message_and_records_nothing(
    client, referent_a, meeting, data
):
    client.force_login(referent_a)
    response = client.post(reverse("meetings:meeting-rsvp", args=[meeting.pk]), data, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not Attendance.objects.exists()
