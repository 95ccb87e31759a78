"""Working-group meetings for referents: /incontri/, details, RSVP, minutes, calendar feed."""

from datetime import UTC, timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from meetings.actions import attendance_respond
from meetings.models import AgendaItem, Attendance, Meeting
from partners.access import SESSION_KEY
from partners.models import Affiliation
from tests import factories

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _default_language():
    # A request under /en/ leaves English active in the thread: reverse() would follow it.
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def groups(org_a, org_b):
    """A and B in the main group; only A in the sub-group; a third group without them."""
    main = factories.make_group(name="Gruppo di lavoro del Distretto", slug="gruppo")
    main.members.add(org_a, org_b)
    sub = factories.make_group(name="Sotto-gruppo servizi 0-14", slug="sotto-gruppo", parent=main)
    sub.members.add(org_a)
    other = factories.make_group(name="Gruppo di altri", slug="altri")
    return SimpleNamespace(main=main, sub=sub, other=other)


@pytest.fixture
def meetings(groups):
    now = timezone.now()
    return SimpleNamespace(
        main=factories.make_meeting(
            groups.main,
            title="Incontro trimestrale",
            starts_at=now + timedelta(days=10),
            place="Sala Falconetto, Palazzo Geremia",
            online_url="https://meet.example/distretto",
        ),
        sub=factories.make_meeting(
            groups.sub,
            title="Sotto-gruppo: centri estivi",
            starts_at=now + timedelta(days=3),
            minutes="Primo punto.\n\nSecondo punto.",
            minutes_file=SimpleUploadedFile("verbale.pdf", PDF, content_type="application/pdf"),
        ),
        past=factories.make_meeting(
            groups.main,
            title="Incontro di primavera",
            starts_at=now - timedelta(days=60),
            status=Meeting.Status.HELD,
            minutes="Verbale dell'incontro di primavera.",
        ),
        cancelled=factories.make_meeting(
            groups.main,
            title="Incontro annullato",
            starts_at=now + timedelta(days=20),
            status=Meeting.Status.CANCELLED,
        ),
        other=factories.make_meeting(groups.other, title="Incontro di un altro gruppo"),
    )


def _italian_url(name, meeting):
    # A request under /en/ leaves English active: always build the Italian address here.
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(name, kwargs={"pk": meeting.pk})


def detail(meeting):
    return _italian_url("meetings:meeting-detail", meeting)


def rsvp(meeting):
    return _italian_url("meetings:meeting-rsvp", meeting)


def minutes(meeting):
    return _italian_url("meetings:meeting-minutes", meeting)


LIST = "/incontri/"
CALENDAR = "/incontri/calendario.ics"


# --- The visibility rule ---------------------------------------------------------------------


def test_each_role_sees_the_meetings_of_its_groups_only(
    meetings, unaffiliated, employee_a, referent_a, referent_b, coordinator
):
    from django.contrib.auth.models import AnonymousUser

    def titles(user):
        return set(Meeting.objects.visible_to(user).values_list("title", flat=True))

    everything = set(Meeting.objects.values_list("title", flat=True))
    assert titles(coordinator) == everything
    assert titles(referent_a) == everything - {meetings.other.title}
    assert titles(referent_b) == everything - {meetings.other.title, meetings.sub.title}
    assert titles(employee_a) == set()
    assert titles(unaffiliated) == set()
    assert titles(AnonymousUser()) == set()


def test_an_organisation_invited_to_one_meeting_sees_that_meeting(meetings, org_b, referent_b):
    Attendance.objects.create(meeting=meetings.other, organization=org_b)
    assert Meeting.objects.visible_to(referent_b).filter(pk=meetings.other.pk).exists()


def test_a_demoted_referent_sees_nothing_any_more(meetings, org_a, referent_a):
    Affiliation.objects.filter(user=referent_a).update(role=Affiliation.Role.EMPLOYEE)
    assert not Meeting.objects.visible_to(referent_a).exists()


# --- The list ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("unaffiliated", 403),
        ("employee_a", 403),
        ("employee_b", 403),
        ("referent_a", 200),
        ("referent_b", 200),
        ("coordinator", 200),
    ],
)
def test_the_list_is_for_referents_and_the_coordinator(as_role, meetings, role, expected):
    response = as_role(role).get(LIST)
    assert response.status_code == expected
    if expected == 403:
        assert "partner area is reserved" in as_role(role).get(f"/en{LIST}").content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(client, meetings):
    for url in [LIST, detail(meetings.main), minutes(meetings.sub), CALENDAR]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert "next=" in response["Location"]


def test_the_list_shows_upcoming_meetings_soonest_first_then_past_ones(
    client, referent_a, meetings
):
    client.force_login(referent_a)
    response = client.get(f"/en{LIST}")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    html = response.content.decode()
    upcoming = html[html.index('id="upcoming-table"') : html.index('id="past-table"')]
    past = html[html.index('id="past-table"') :]
    order = [meetings.sub.title, meetings.main.title, meetings.cancelled.title]
    positions = [upcoming.index(title) for title in order]
    assert positions == sorted(positions)
    assert meetings.past.title in past
    assert meetings.past.title not in upcoming
    assert meetings.other.title not in html
    assert "Cancelled" in upcoming
    assert "Sala Falconetto, Palazzo Geremia" in upcoming
    assert f'href="/en{detail(meetings.main)}"' in html
    # The partner area's side menu, with the meetings entry marked as the current page.
    assert 'id="area-organization"' in html
    assert 'aria-current="page"><span>Meetings</span>' in html


def test_times_are_shown_in_rome_time(client, referent_a, groups):
    start = timezone.datetime(2030, 7, 1, 7, 30, tzinfo=UTC)  # 9:30 in Rome (summer time)
    factories.make_meeting(groups.main, starts_at=start, title="Incontro estivo")
    client.force_login(referent_a)
    html = client.get(f"/en{LIST}").content.decode()
    assert "2030-07-01T09:30:00+02:00" in html


def test_the_list_without_meetings_says_so(client, referent_b, org_b):
    client.force_login(referent_b)
    html = client.get(f"/en{LIST}").content.decode()
    assert 'id="empty-state"' in html


def test_the_coordinator_sees_every_meeting_without_the_partner_menu(client, coordinator, meetings):
    client.force_login(coordinator)
    html = client.get(f"/en{LIST}").content.decode()
    assert meetings.other.title in html
    assert 'id="area-organization"' not in html


def test_the_list_is_paginated(client, referent_a, groups):
    start = timezone.now() - timedelta(days=400)
    for n in range(25):
        factories.make_meeting(groups.main, starts_at=start + timedelta(days=n), title=f"M{n:02d}")
    client.force_login(referent_a)
    first = client.get(f"/en{LIST}").content.decode()
    second = client.get(f"/en{LIST}?page=2").content.decode()
    assert first.count("data-meeting=") == 20
    assert second.count("data-meeting=") == 5
    assert client.get(f"{LIST}?page=nonsense").status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_the_list_takes_a_bounded_number_of_queries(
    client, referent_a, org_a, groups, count, django_assert_max_num_queries
):
    start = timezone.now() - timedelta(days=count)
    for n in range(count):
        meeting = factories.make_meeting(groups.main, starts_at=start + timedelta(days=2 * n))
        Attendance.objects.create(meeting=meeting, organization=org_a)
    client.force_login(referent_a)
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert response.status_code == 200


# --- The detail page --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "main", "sub", "other"),
    [
        ("unaffiliated", 403, 403, 403),
        ("employee_a", 403, 403, 403),
        ("referent_a", 200, 200, 404),
        ("referent_b", 200, 404, 404),
        ("coordinator", 200, 200, 200),
    ],
)
def test_the_detail_is_404_for_meetings_the_referent_cannot_see(
    as_role, meetings, role, main, sub, other
):
    client = as_role(role)
    assert client.get(detail(meetings.main)).status_code == main
    assert client.get(detail(meetings.sub)).status_code == sub
    assert client.get(detail(meetings.other)).status_code == other
    assert client.get("/incontri/999999/").status_code in {403, 404}


def test_the_detail_shows_agenda_place_attendance_and_minutes(
    client, referent_a, org_a, org_b, meetings
):
    AgendaItem.objects.create(meeting=meetings.sub, position=2, title="Calendario 2027")
    AgendaItem.objects.create(
        meeting=meetings.sub, position=1, title="Centri estivi", notes="Proposta di Alfa."
    )
    Attendance.objects.create(
        meeting=meetings.sub,
        organization=org_a,
        status=Attendance.Status.CONFIRMED,
        representative="Carla Rossi",
    )
    client.force_login(referent_a)
    html = client.get(f"/en{detail(meetings.sub)}").content.decode()
    agenda = html[html.index('id="agenda"') :]
    assert agenda.index("Centri estivi") < agenda.index("Calendario 2027")
    assert "Proposta di Alfa." in agenda
    table = html[html.index('id="attendance-table"') :]
    assert "Organizzazione Alfa" in table
    assert "Attendance confirmed" in table
    assert "Carla Rossi" in table
    assert "<p>Primo punto.</p>" in html
    assert f'href="/en{minutes(meetings.sub)}"' in html
    assert 'id="rsvp-form"' in html
    assert 'id="status-confirmed"' in html


def test_the_detail_links_the_online_meeting(client, referent_b, meetings):
    client.force_login(referent_b)
    html = client.get(f"/en{detail(meetings.main)}").content.decode()
    assert 'href="https://meet.example/distretto"' in html
    assert "Sala Falconetto" in html
    assert 'id="minutes-download"' not in html


def test_past_and_cancelled_meetings_have_no_answer_form(client, referent_a, meetings):
    client.force_login(referent_a)
    for meeting in [meetings.past, meetings.cancelled]:
        html = client.get(f"/en{detail(meeting)}").content.decode()
        assert 'id="rsvp-form"' not in html


@pytest.mark.parametrize("count", [5, 50])
def test_the_detail_takes_a_bounded_number_of_queries(
    client, referent_a, meetings, count, django_assert_max_num_queries
):
    for n in range(count):
        organization = factories.make_organization(f"Ente {n}", slug=f"ente-{n}")
        Attendance.objects.create(meeting=meetings.main, organization=organization)
        AgendaItem.objects.create(meeting=meetings.main, position=n, title=f"Punto {n}")
    client.force_login(referent_a)
    with django_assert_max_num_queries(12):
        response = client.get(detail(meetings.main))
    assert response.status_code == 200


# --- Minutes ----------------------------------------------------------------------------------


def test_the_minutes_pdf_is_downloaded_by_those_who_see_the_meeting(as_role, meetings, referent_a):
    response = as_role("referent_a").get(minutes(meetings.sub))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]


def test_the_minutes_are_404_without_a_file_or_without_visibility(as_role, meetings):
    referent_b = as_role("referent_b")
    assert referent_b.get(minutes(meetings.sub)).status_code == 404
    assert referent_b.get(minutes(meetings.main)).status_code == 404


def test_the_coordinator_downloads_any_minutes(client, coordinator, meetings):
    client.force_login(coordinator)
    response = client.get(minutes(meetings.sub))
    assert response.status_code == 200
    response.close()


# --- RSVP -------------------------------------------------------------------------------------


def test_a_referent_confirms_for_their_organisation_and_a_row_is_created(
    client, referent_a, org_a, meetings
):
    client.force_login(referent_a)
    response = client.post(
        f"/en{rsvp(meetings.sub)}", {"status": "confirmed", "representative": "  Carla   Rossi "}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/en{detail(meetings.sub)}"
    attendance = Attendance.objects.get(meeting=meetings.sub)
    assert attendance.organization == org_a
    assert attendance.status == Attendance.Status.CONFIRMED
    assert attendance.representative == "Carla Rossi"
    assert LogEntry.objects.filter(object_id=str(meetings.sub.pk)).exists()
    html = client.get(response["Location"]).content.decode()
    assert "Organizzazione Alfa will attend the meeting." in html


def test_a_referent_changes_the_answer_of_an_existing_row(client, referent_b, org_b, meetings):
    Attendance.objects.create(meeting=meetings.main, organization=org_b)
    client.force_login(referent_b)
    client.post(rsvp(meetings.main), {"status": "declined"})
    attendance = Attendance.objects.get(meeting=meetings.main, organization=org_b)
    assert attendance.status == Attendance.Status.DECLINED
    assert attendance.representative == ""


def test_the_organisation_comes_from_the_session_never_from_the_form(
    client, org_a, org_b, meetings
):
    both = factories.make_user("ester@alfa.example")
    factories.affiliate(both, org_a, role=Affiliation.Role.REFERENT)
    factories.affiliate(both, org_b, role=Affiliation.Role.REFERENT)
    client.force_login(both)
    session = client.session
    session[SESSION_KEY] = org_b.pk
    session.save()
    client.post(rsvp(meetings.main), {"status": "confirmed", "organization": str(org_a.pk)})
    assert list(Attendance.objects.values_list("organization", flat=True)) == [org_b.pk]


def test_a_referent_of_several_organisations_picks_one_first(client, org_a, org_b, meetings):
    both = factories.make_user("ester@alfa.example")
    factories.affiliate(both, org_a, role=Affiliation.Role.REFERENT)
    factories.affiliate(both, org_b, role=Affiliation.Role.REFERENT)
    client.force_login(both)
    response = client.post(rsvp(meetings.main), {"status": "confirmed"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("area:organization-switch"))
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("which", ["past", "cancelled"])
def test_answers_are_refused_for_past_and_cancelled_meetings(client, referent_a, meetings, which):
    meeting = getattr(meetings, which)
    client.force_login(referent_a)
    response = client.post(f"/en{rsvp(meeting)}", {"status": "confirmed"}, follow=True)
    assert response.status_code == 200
    assert not Attendance.objects.exists()
    html = response.content.decode()
    assert "already taken place" in html or "has been cancelled" in html


def test_a_scheduled_meeting_that_already_started_is_refused(client, referent_a, groups):
    meeting = factories.make_meeting(groups.main, starts_at=timezone.now() - timedelta(minutes=5))
    client.force_login(referent_a)
    client.post(rsvp(meeting), {"status": "confirmed"})
    assert not Attendance.objects.exists()


def test_non_members_cannot_answer(client, referent_b, meetings):
    client.force_login(referent_b)
    assert client.post(rsvp(meetings.sub), {"status": "confirmed"}).status_code == 404
    assert client.post(rsvp(meetings.other), {"status": "confirmed"}).status_code == 404
    assert not Attendance.objects.exists()


def test_the_action_refuses_an_organisation_that_is_not_invited(org_b, referent_b, meetings):
    with pytest.raises(ValidationError):
        attendance_respond(
            meeting=meetings.other,
            organization=org_b,
            status=Attendance.Status.CONFIRMED,
            representative="",
            actor=referent_b,
        )
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"status": ""},
        {"status": "attended"},
        {"status": "invited"},
        {"status": "confirmed", "representative": "x" * 201},
    ],
)
def test_bad_input_changes_nothing(client, referent_a, org_a, meetings, data):
    Attendance.objects.create(meeting=meetings.sub, organization=org_a)
    client.force_login(referent_a)
    response = client.post(f"/en{rsvp(meetings.sub)}", data, follow=True)
    assert response.status_code == 200
    attendance = Attendance.objects.get()
    assert attendance.status == Attendance.Status.INVITED
    assert attendance.representative == ""
    assert "alert-danger" in response.content.decode()


@pytest.mark.parametrize(
    "role", ["anonymous", "unaffiliated", "employee_a", "referent_a", "coordinator"]
)
def test_a_get_to_the_answer_is_405(as_role, meetings, role):
    assert as_role(role).get(rsvp(meetings.sub)).status_code == 405


@pytest.mark.parametrize(
    ("role", "expected"),
    [("unaffiliated", 403), ("employee_a", 403), ("coordinator", 403)],
)
def test_the_wrong_roles_cannot_answer(as_role, meetings, role, expected):
    assert as_role(role).post(rsvp(meetings.sub), {"status": "confirmed"}).status_code == expected
    assert not Attendance.objects.exists()


# --- The calendar feed ------------------------------------------------------------------------


def events_of(response):
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_lists_the_meetings_the_referent_can_see(client, referent_b, meetings):
    client.force_login(referent_b)
    response = client.get(CALENDAR)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = events_of(response)
    expected = {meetings.main, meetings.past, meetings.cancelled}
    assert set(events) == {f"meeting-{meeting.pk}@distretto" for meeting in expected}
    main = events[f"meeting-{meetings.main.pk}@distretto"]
    assert main.decoded("DTSTART") == meetings.main.starts_at.replace(microsecond=0)
    # Written in Trento's time, with its VTIMEZONE (a calendar shows the right hour).
    assert main["DTSTART"].params["TZID"] == "Europe/Rome"
    assert main.decoded("DTEND") == meetings.main.ends_at.replace(microsecond=0)
    assert "Incontro trimestrale" in str(main["SUMMARY"])
    assert str(main["LOCATION"]) == "Sala Falconetto, Palazzo Geremia"
    assert str(main["URL"]).endswith(detail(meetings.main))
    assert str(main["STATUS"]) == "CONFIRMED"
    cancelled = events[f"meeting-{meetings.cancelled.pk}@distretto"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert b"DTSTART;TZID=Europe/Rome:" in response.content
    assert b"BEGIN:VTIMEZONE" in response.content


def test_the_feed_uid_is_stable(client, referent_a, meetings):
    client.force_login(referent_a)
    first = set(events_of(client.get(CALENDAR)))
    second = set(events_of(client.get(CALENDAR)))
    assert first == second


@pytest.mark.parametrize("role", ["unaffiliated", "employee_a"])
def test_the_feed_is_empty_for_people_who_see_no_meeting(as_role, meetings, role):
    response = as_role(role).get(CALENDAR)
    assert response.status_code == 200
    assert events_of(response) == {}


def test_the_coordinator_feed_has_every_meeting(client, coordinator, meetings):
    client.force_login(coordinator)
    assert len(events_of(client.get(CALENDAR))) == Meeting.objects.count()


@pytest.mark.parametrize("count", [5, 50])
def test_the_feed_takes_a_bounded_number_of_queries(
    client, referent_a, groups, count, django_assert_max_num_queries
):
    for n in range(count):
        factories.make_meeting(groups.main, starts_at=timezone.now() + timedelta(days=n + 1))
    client.force_login(referent_a)
    with django_assert_max_num_queries(8):
        response = client.get(CALENDAR)
    assert len(events_of(response)) == count
