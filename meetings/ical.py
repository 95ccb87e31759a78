"""Meetings as iCalendar (RFC 5545): the invitations' attachments and the personal feeds.

Times are written in the site's time zone (Europe/Rome) with its VTIMEZONE, so a calendar
shows 15:00 for a meeting at 15:00 in Trento in winter and in summer alike. Every document
about a meeting carries the same UID; invitations raise SEQUENCE at each change (RFC 5546),
so a calendar replaces the event it has instead of adding a second one.
"""

from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress

from meetings.models import Meeting

PRODID = "-//Distretto Family Audit di Trento//Incontri//IT"
REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"
ICS_MIMETYPE = "text/calendar"


def _rome_timezone() -> Timezone:
    """Europe/Rome as calendars write it: the EU summer-time rule since 1996."""
    zone = Timezone()
    zone.add("tzid", "Europe/Rome")
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("tzoffsetfrom", timedelta(hours=1))
    summer.add("tzoffsetto", timedelta(hours=2))
    summer.add("dtstart", datetime(1970, 3, 29, 2, 0))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("tzoffsetfrom", timedelta(hours=2))
    winter.add("tzoffsetto", timedelta(hours=1))
    winter.add("dtstart", datetime(1970, 10, 25, 3, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def _new_calendar(method: str, name: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _add_timezone(calendar: Calendar) -> None:
    if settings.TIME_ZONE == "Europe/Rome":
        calendar.subcomponents.insert(0, _rome_timezone())
    else:
        calendar.add_missing_timezones()


def meeting_url(meeting: Meeting) -> str:
    return settings.SITE_URL + meeting.get_absolute_url()


def description(meeting: Meeting, agenda_items=None) -> str:
    """The event's text: the online link, the agenda, and the page to answer on."""
    lines = []
    if meeting.online_url:
        lines += [_("Join online: %(url)s") % {"url": meeting.online_url}, ""]
    items = list(agenda_items if agenda_items is not None else meeting.agenda_items.all())
    if items:
        lines.append(_("Agenda:"))
        lines += [f"{number}. {item.title}" for number, item in enumerate(items, start=1)]
        lines.append("")
    if meeting.answer_by:
        lines.append(
            _("Please answer by %(date)s.") % {"date": meeting.answer_by.strftime("%d/%m/%Y")}
        )
    lines.append(_("Details and answer: %(url)s") % {"url": meeting_url(meeting)})
    return "\n".join(lines)


def meeting_event(meeting: Meeting, *, stamp: datetime, agenda_items=None) -> Event:
    zone = ZoneInfo(settings.TIME_ZONE)
    event = Event()
    event.add("uid", meeting.ical_uid)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("sequence", meeting.sequence)
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", f"{meeting.group.name}: {meeting.title}")
    location = meeting.place or meeting.online_url
    if location:
        event.add("location", location)
    event.add("description", description(meeting, agenda_items))
    event.add("url", meeting_url(meeting))
    if meeting.online_url:
        # Calendar applications show this as the "join" button.
        event.add("conference", meeting.online_url, parameters={"value": "URI"})
    cancelled = meeting.status == Meeting.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _organizer() -> vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address or 'noreply@localhost'}")
    organizer.params["cn"] = name or "Distretto Family Audit di Trento"
    return organizer


def invitation_ics(meeting: Meeting, *, method: str, attendee: str = "") -> str:
    """One meeting, for a mail: REQUEST (new or changed) or CANCEL, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        calendar = _new_calendar(method)
        event = meeting_event(meeting, stamp=timezone.now())
        event.add("organizer", _organizer())
        if attendee:
            person = vCalAddress(f"mailto:{attendee}")
            person.params["role"] = "REQ-PARTICIPANT"
            person.params["partstat"] = "NEEDS-ACTION"
            # Answers go through the portal (per organisation), not back by mail.
            person.params["rsvp"] = "FALSE"
            event.add("attendee", person)
        if method == CANCEL:
            event["status"] = "CANCELLED"
        calendar.add_component(event)
        _add_timezone(calendar)
        return calendar.to_ical().decode()


def invitation_attachment(meeting: Meeting, *, method: str, attendee: str = ""):
    """``(filename, content, mimetype)`` for common.audit.send_templated_mail."""
    return (
        "invito.ics",
        invitation_ics(meeting, method=method, attendee=attendee),
        f"{ICS_MIMETYPE}; method={method}",
    )


def feed_ics(meetings, *, name: str) -> bytes:
    """A subscription feed (METHOD:PUBLISH) of ``meetings``, agenda items prefetched."""
    calendar = _new_calendar(PUBLISH, name)
    stamp = timezone.now()
    for meeting in meetings:
        calendar.add_component(
            meeting_event(meeting, stamp=stamp, agenda_items=meeting.agenda_items.all())
        )
    _add_timezone(calendar)
    return calendar.to_ical()
