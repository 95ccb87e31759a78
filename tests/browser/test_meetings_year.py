"""The working group's year in a real browser (issue 11, sections 2 and 3).

The coordinator schedules a meeting: A's referent gets an invitation with an .ics, answers
on the meeting's page, is reminded a week before; after the meeting the coordinator records
attendance and publishes the minutes with a decision about a programme action; A's referent
reports the action's progress from the partner area and the public programme page shows
it with the meeting that discussed it. Every new page is checked with axe. In English (/en/).
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from meetings import actions
from meetings.models import Action, Attendance, Meeting
from partners.models import Affiliation
from tests import factories
from tests.browser.conftest import check_page, choose

pytestmark = pytest.mark.django_db(transaction=True)

ROME = ZoneInfo("Europe/Rome")
MEETING_PATH = re.compile(r"https?://[^/\s]+(/incontri/\d+/)")


def _sign_in(page, url, email):
    page.goto(f"{url}/en/account/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main form").get_by_role("button", name="Log in").click()
    page.wait_for_function("() => !location.pathname.includes('/account/login/')")


def test_schedule_invite_answer_remind_attend_minutes_progress(
    live_server, page, new_page, problems
):
    url = live_server.url
    org_a = factories.make_organization("Organizzazione Alfa", slug="alfa", domain="alfa.example")
    org_b = factories.make_organization("Organizzazione Beta", slug="beta", domain="beta.example")
    referent = factories.make_user("carla@alfa.example")
    factories.affiliate(referent, org_a, role=Affiliation.Role.REFERENT)
    coordinator = factories.make_coordinator()
    group = factories.make_group(name="Gruppo di lavoro del Distretto", slug="gruppo")
    group.members.add(org_a, org_b)
    year = timezone.localdate().year
    programme = factories.make_programme(year)
    action = factories.make_action(programme, org_a, title="Mappatura dei servizi 0-14")
    violations = {}

    # --- The coordinator schedules: A's referent gets the invitation with its .ics --------
    starts = (
        (timezone.now() + datetime.timedelta(days=10))
        .astimezone(ROME)
        .replace(hour=15, minute=0, second=0, microsecond=0)
    )
    meeting = actions.meeting_schedule(
        group=group,
        actor=coordinator,
        title="Incontro trimestrale",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="Sala Falconetto",
        online_url="https://meet.example.org/distretto",
        answer_by=(starts - datetime.timedelta(days=3)).date(),
    )
    [invitation] = [m for m in mail.outbox if m.to == [referent.email]]
    [ics] = [p for p in invitation.message().walk() if p.get_filename() == "invito.ics"]
    assert ics.get_param("method") == "REQUEST"
    [event] = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert event.decoded("DTSTART").astimezone(ROME).hour == 15
    meeting_path = MEETING_PATH.search(invitation.body).group(1)

    # --- The referent follows the link and confirms ------------------------------------------
    _sign_in(page, url, referent.email)
    page.goto(f"{url}/en{meeting_path}")
    violations["meeting-detail"] = check_page(page, "meetings-detail-referent")
    choose(page, "status", "confirmed")
    page.fill("#representative", "Carla Rossi")
    page.get_by_role("button", name="Send the answer").click()
    page.wait_for_url(f"**{meeting_path}")
    assert Attendance.objects.get(meeting=meeting, organization=org_a).status == "confirmed"

    # --- A week before, the reminder ------------------------------------------------------------
    mail.outbox.clear()
    actions.meeting_send_reminders(now=starts - datetime.timedelta(days=6, hours=12))
    [reminder] = [m for m in mail.outbox if m.to == [referent.email]]
    assert "Incontro trimestrale" in reminder.subject

    # --- The referent's calendar address on the profile --------------------------------------
    page.goto(f"{url}/en/account/profilo/")
    page.locator("#calendar-renew").click()
    page.wait_for_url("**/en/account/profilo/**")
    feed_url = page.locator("#calendar-url").input_value()
    assert feed_url.endswith(".ics")
    violations["profile-calendar"] = check_page(page, "meetings-profile-calendar")

    # --- The meeting takes place; the coordinator records attendance and the minutes ---------
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    coordinator_page = new_page()
    _sign_in(coordinator_page, url, coordinator.email)
    coordinator_page.goto(f"{url}/en{meeting_path}")
    violations["meeting-detail-coordinator"] = check_page(
        coordinator_page, "meetings-detail-coordinator"
    )
    coordinator_page.get_by_role("link", name="Record attendance").click()
    coordinator_page.wait_for_url("**/presenze/")
    violations["attendance"] = check_page(coordinator_page, "meetings-attendance")
    choose(coordinator_page, f"org-{org_a.pk}", "attended")
    choose(coordinator_page, f"org-{org_b.pk}", "absent")
    coordinator_page.get_by_role("button", name="Record attendance").click()
    coordinator_page.wait_for_url(f"**{meeting_path}#attendance-heading")
    assert dict(meeting.attendances.values_list("organization__slug", "status")) == {
        "alfa": "attended",
        "beta": "absent",
    }

    coordinator_page.get_by_role("link", name="Minutes, decisions and action items").click()
    coordinator_page.wait_for_url("**/verbale/")
    violations["minutes"] = check_page(coordinator_page, "meetings-minutes")
    coordinator_page.fill("#id_text", "The mapping of services starts in January.")
    coordinator_page.select_option("#id_action", str(action.pk))
    coordinator_page.get_by_role("button", name="Record the decision").click()
    coordinator_page.wait_for_url("**/verbale/#decisions")
    mail.outbox.clear()
    coordinator_page.fill("#id_minutes", "All members but Beta were present.")
    coordinator_page.get_by_role("button", name="Publish the minutes").click()
    coordinator_page.wait_for_url(f"**{meeting_path}#minutes-heading")
    assert [m.to for m in mail.outbox] == [[referent.email]]
    assert "The mapping of services starts in January." in mail.outbox[0].body

    coordinator_page.goto(f"{url}/en/incontri/presenze/{year}/")
    violations["attendance-report"] = check_page(coordinator_page, "meetings-attendance-year")
    assert "Organizzazione Alfa" in coordinator_page.locator("#attendance-report").inner_text()

    # --- The referent reports the action's progress from the partner area ------------------
    page.goto(f"{url}/en/incontri/azioni/")
    violations["action-list"] = check_page(page, "meetings-action-list")
    page.get_by_role("link", name="Mappatura dei servizi 0-14").click()
    page.wait_for_url(f"**/incontri/azioni/{action.pk}/")
    violations["action-progress"] = check_page(page, "meetings-action-progress")
    page.select_option("#id_status", "in_progress")
    page.fill("#id_text", "Questionnaire sent to every member.")
    page.get_by_role("button", name="Record the progress").click()
    page.wait_for_url(f"**/incontri/azioni/{action.pk}/")
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS

    # --- The public programme page: status, progress, the meeting that discussed it -------
    visitor = new_page()
    visitor.goto(f"{url}/en/programma/{year}/")
    card = visitor.locator(f'[data-action="{action.pk}"]')
    assert "Questionnaire sent to every member." in card.inner_text()
    assert "Incontro trimestrale" in card.locator(".discussed-at").inner_text()
    violations["programme"] = check_page(visitor, "meetings-programme-progress")

    assert {name: found for name, found in violations.items() if found} == {}
    assert problems == {"csp": [], "js": [], "failed": []}, problems
    for watched in (coordinator_page, visitor):
        assert watched.problems == {"csp": [], "js": [], "failed": []}, watched.problems
