"""The personal calendar address: a secret URL ending in .ics, made and revoked on the profile."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from meetings import actions
from meetings.models import AgendaItem, CalendarSubscription, Meeting, hash_feed_token
from tests import factories

ROME = ZoneInfo("Europe/Rome")
PROFILE = "/account/profilo/"
RENEW = "/account/profilo/calendario/nuovo/"
REVOKE = "/account/profilo/calendario/revoca/"


@pytest.fixture
def meetings(org_a, org_b):
    group = factories.make_group(name="Gruppo di lavoro del Distretto", slug="gruppo")
    group.members.add(org_a, org_b)
    subgroup = factories.make_group(name="Sotto-gruppo 0-14", slug="sotto", parent=group)
    subgroup.members.add(org_a)
    # 15:00 in Trento in summer (UTC+2) and in winter (UTC+1).
    summer = factories.make_meeting(
        group,
        title="Incontro di giugno",
        starts_at=datetime.datetime(2030, 6, 12, 15, 0, tzinfo=ROME),
        ends_at=datetime.datetime(2030, 6, 12, 17, 0, tzinfo=ROME),
        place="Sala Falconetto",
        online_url="https://meet.example.org/giugno",
    )
    AgendaItem.objects.create(meeting=summer, position=2, title="Varie ed eventuali")
    AgendaItem.objects.create(meeting=summer, position=1, title="Bilancio del programma")
    winter = factories.make_meeting(
        group,
        title="Incontro di dicembre",
        starts_at=datetime.datetime(2030, 12, 4, 15, 0, tzinfo=ROME),
        ends_at=datetime.datetime(2030, 12, 4, 16, 30, tzinfo=ROME),
    )
    only_a = factories.make_meeting(subgroup, title="Sotto-gruppo: avvio")
    return summer, winter, only_a


def _subscribe(client, user):
    client.force_login(user)
    response = client.post(RENEW)
    assert response.status_code == 302
    page = client.get(PROFILE)
    url = page.context["new_calendar_url"]
    assert url.endswith(".ics")
    client.logout()
    return url.removeprefix("http://127.0.0.1:8000")


def _events(response):
    calendar = Calendar.from_ical(response.content)
    return calendar, {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_works_without_a_login_and_a_calendar_reads_it_in_rome_time(
    client, referent_a, meetings
):
    summer, winter, _only_a = meetings
    path = _subscribe(client, referent_a)
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "private" in response["Cache-Control"]
    calendar, events = _events(response)
    assert str(calendar["METHOD"]) == "PUBLISH"
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Rome"
    june = events["Gruppo di lavoro del Distretto: Incontro di giugno"]
    start, end = june.decoded("DTSTART"), june.decoded("DTEND")
    assert june["DTSTART"].params["TZID"] == "Europe/Rome"
    assert (start.hour, start.minute, start.utcoffset()) == (15, 0, datetime.timedelta(hours=2))
    assert (end.hour, end.minute) == (17, 0)
    assert start == summer.starts_at
    december = events["Gruppo di lavoro del Distretto: Incontro di dicembre"]
    assert december.decoded("DTSTART").utcoffset() == datetime.timedelta(hours=1)
    assert december.decoded("DTSTART").hour == 15
    assert str(june["URL"]) == f"http://127.0.0.1:8000/incontri/{summer.pk}/"
    assert str(june["LOCATION"]) == "Sala Falconetto"
    description = str(june["DESCRIPTION"])
    assert "https://meet.example.org/giugno" in description
    # The agenda in its order, numbered.
    assert description.index("1. Bilancio del programma") < description.index(
        "2. Varie ed eventuali"
    )
    assert f"/incontri/{summer.pk}/" in description
    assert str(june["UID"]) == summer.ical_uid
    assert CalendarSubscription.objects.get(user=referent_a).last_used_at is not None


def test_the_feed_holds_only_the_meetings_its_owner_may_see(
    client, referent_a, referent_b, meetings
):
    _summer, _winter, only_a = meetings
    path_b = _subscribe(client, referent_b)
    _calendar, events_b = _events(client.get(path_b))
    assert len(events_b) == 2
    assert not any(only_a.title in summary for summary in events_b)
    path_a = _subscribe(client, referent_a)
    _calendar, events_a = _events(client.get(path_a))
    assert len(events_a) == 3


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled(client, referent_a, meetings):
    summer, _winter, _only_a = meetings
    actions.meeting_cancel(meeting=summer, actor=None)
    path = _subscribe(client, referent_a)
    _calendar, events = _events(client.get(path))
    event = events["Gruppo di lavoro del Distretto: Incontro di giugno"]
    assert str(event["STATUS"]) == "CANCELLED"


def test_only_the_hash_is_stored_and_a_new_address_replaces_the_old(client, referent_a, meetings):
    first = _subscribe(client, referent_a)
    token = first.rsplit("/", 1)[1].removesuffix(".ics")
    stored = CalendarSubscription.objects.get(user=referent_a)
    assert stored.token_hash == hash_feed_token(token) != token
    second = _subscribe(client, referent_a)
    assert second != first
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert CalendarSubscription.objects.count() == 1


def test_the_address_is_shown_once_then_only_its_date(client, referent_a, meetings):
    _subscribe(client, referent_a)
    client.force_login(referent_a)
    page = client.get(PROFILE)
    assert page.context["new_calendar_url"] == ""
    assert b'id="calendar-status"' in page.content
    assert b".ics" not in page.content


def test_revoking_switches_the_address_off(client, referent_a, meetings):
    path = _subscribe(client, referent_a)
    client.force_login(referent_a)
    response = client.post(REVOKE)
    assert response.status_code == 302
    assert not CalendarSubscription.objects.exists()
    client.logout()
    assert client.get(path).status_code == 404


def test_a_lost_role_or_a_deactivated_account_empties_or_closes_the_feed(
    client, referent_a, meetings
):
    path = _subscribe(client, referent_a)
    referent_a.affiliations.update(role="employee")
    _calendar, events = _events(client.get(path))
    assert events == {}
    type(referent_a).objects.filter(pk=referent_a.pk).update(is_active=False)
    assert client.get(path).status_code == 404


def test_unknown_tokens_are_not_found(client, db):
    assert client.get(reverse("meetings:meeting-calendar-feed", args=["nope"])).status_code == 404


def test_only_those_with_meetings_may_make_an_address(client, employee_a, coordinator):
    client.force_login(employee_a)
    assert b"calendar-renew" not in client.get(PROFILE).content
    assert client.post(RENEW).status_code == 403
    assert not CalendarSubscription.objects.exists()
    client.force_login(coordinator)
    assert b"calendar-renew" in client.get(PROFILE).content
    assert client.post(RENEW).status_code == 302
    assert CalendarSubscription.objects.filter(user=coordinator).exists()


def test_the_coordinators_feed_has_every_meeting(client, coordinator, meetings):
    path = _subscribe(client, coordinator)
    _calendar, events = _events(client.get(path))
    assert len(events) == Meeting.objects.count() == 3
