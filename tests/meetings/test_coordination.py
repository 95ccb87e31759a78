"""The coordinator's side of a meeting (agenda order and documents, attendance, minutes,
decisions, action items), the yearly attendance and the owners' programme progress."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from meetings import actions
from meetings.models import (
    Action,
    ActionItem,
    AgendaDocument,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingNotice,
    ProgressNote,
)
from tests import factories


@pytest.fixture
def group(org_a, org_b):
    group = factories.make_group(name="Gruppo di lavoro del Distretto", slug="gruppo")
    group.members.add(org_a, org_b)
    return group


@pytest.fixture
def past(group):
    starts = timezone.now() - datetime.timedelta(days=2)
    return factories.make_meeting(group, starts_at=starts, title="Incontro di ieri l'altro")


@pytest.fixture
def ahead(group):
    meeting = factories.make_meeting(group, title="Incontro futuro")
    for position, title in enumerate(["Apertura", "Programma", "Varie"], start=1):
        AgendaItem.objects.create(meeting=meeting, position=position, title=title)
    return meeting


def _titles(meeting):
    return list(meeting.agenda_items.order_by("position").values_list("title", flat=True))


# --- Agenda ----------------------------------------------------------------------------------


def test_the_coordinator_moves_agenda_items_with_buttons(client, coordinator, ahead):
    client.force_login(coordinator)
    page = client.get(f"/incontri/{ahead.pk}/")
    assert b"move-up" in page.content and b"move-down" in page.content
    varie = ahead.agenda_items.get(title="Varie")
    url = f"/incontri/{ahead.pk}/ordine-del-giorno/{varie.pk}/sposta/"
    assert client.post(url, {"direction": "up"}).status_code == 302
    assert _titles(ahead) == ["Apertura", "Varie", "Programma"]
    client.post(url, {"direction": "up"})
    client.post(url, {"direction": "up"})  # already first: nothing changes
    assert _titles(ahead) == ["Varie", "Apertura", "Programma"]
    client.post(url, {"direction": "down"})
    assert _titles(ahead) == ["Apertura", "Varie", "Programma"]
    response = client.post(url, {"direction": "sideways"}, follow=True)
    assert _titles(ahead) == ["Apertura", "Varie", "Programma"]
    assert response.status_code == 200


def test_referents_see_no_buttons_and_may_not_move(client, referent_a, ahead):
    client.force_login(referent_a)
    assert b"move-up" not in client.get(f"/incontri/{ahead.pk}/").content
    item = ahead.agenda_items.get(title="Varie")
    url = f"/incontri/{ahead.pk}/ordine-del-giorno/{item.pk}/sposta/"
    assert client.post(url, {"direction": "up"}).status_code == 403
    assert _titles(ahead) == ["Apertura", "Programma", "Varie"]


def test_items_are_added_at_the_end_and_removed_with_renumbering(client, coordinator, ahead):
    client.force_login(coordinator)
    client.post(f"/incontri/{ahead.pk}/ordine-del-giorno/", {"title": "Calendario 2027"})
    assert _titles(ahead) == ["Apertura", "Programma", "Varie", "Calendario 2027"]
    first = ahead.agenda_items.get(title="Apertura")
    client.post(f"/incontri/{ahead.pk}/ordine-del-giorno/{first.pk}/elimina/")
    assert list(ahead.agenda_items.order_by("position").values_list("position", flat=True)) == [
        1,
        2,
        3,
    ]


def test_agenda_documents_are_private_pdfs_for_those_who_see_the_meeting(
    client, coordinator, referent_a, employee_a, ahead
):
    client.force_login(coordinator)
    item = ahead.agenda_items.get(title="Programma")
    url = f"/incontri/{ahead.pk}/ordine-del-giorno/{item.pk}/documenti/"
    not_pdf = SimpleUploadedFile("x.pdf", b"<html>", content_type="application/pdf")
    client.post(url, {"title": "Bozza", "file": not_pdf})
    assert not AgendaDocument.objects.exists()
    pdf = SimpleUploadedFile("bozza.pdf", factories.pdf_bytes(), content_type="application/pdf")
    client.post(url, {"title": "Bozza del programma", "file": pdf})
    document = AgendaDocument.objects.get()
    download = f"/incontri/{ahead.pk}/documenti/{document.pk}.pdf"
    client.force_login(referent_a)
    assert b"Bozza del programma" in client.get(f"/incontri/{ahead.pk}/").content
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(employee_a)
    assert client.get(download).status_code == 403
    client.logout()
    assert client.get(download).status_code == 302


# --- Attendance and minutes ------------------------------------------------------------------


def test_the_coordinator_records_attendance_and_the_meeting_is_held(
    client, coordinator, past, org_a, org_b
):
    Attendance.objects.create(meeting=past, organization=org_a, status="confirmed")
    client.force_login(coordinator)
    page = client.get(f"/incontri/{past.pk}/presenze/")
    assert page.status_code == 200
    # A's confirmation suggests "present".
    assert page.context["form"][f"org-{org_a.pk}"].initial == Attendance.Status.ATTENDED
    response = client.post(
        f"/incontri/{past.pk}/presenze/",
        {f"org-{org_a.pk}": "attended", f"org-{org_b.pk}": "excused"},
    )
    assert response.status_code == 302
    assert dict(past.attendances.values_list("organization__slug", "status")) == {
        "alfa": "attended",
        "beta": "excused",
    }
    past.refresh_from_db()
    assert past.status == Meeting.Status.HELD
    assert LogEntry.objects.filter(object_id=str(past.pk)).exists()


def test_attendance_needs_a_choice_for_everyone_and_changes_nothing_otherwise(
    client, coordinator, past, org_a
):
    client.force_login(coordinator)
    response = client.post(f"/incontri/{past.pk}/presenze/", {f"org-{org_a.pk}": "attended"})
    assert response.status_code == 200
    assert not Attendance.objects.exists()


def test_attendance_of_a_meeting_ahead_is_refused(coordinator, ahead, org_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.attendance_record(meeting=ahead, statuses={org_a.pk: "attended"}, actor=coordinator)


def test_publishing_the_minutes_tells_the_referents_once(
    client,
    coordinator,
    past,
    referent_a,
    referent_b,
    org_a,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    programme = factories.make_programme()
    action = factories.make_action(programme, org_a, title="Mappatura dei servizi 0-14")
    client.force_login(coordinator)
    client.post(
        f"/incontri/{past.pk}/verbale/decisioni/",
        {"text": "Si approva il calendario.", "action": action.pk},
    )
    client.post(
        f"/incontri/{past.pk}/verbale/impegni/",
        {"what": "Raccogliere i dati", "owners": [org_a.pk], "due_on": "2030-03-31"},
    )
    assert Decision.objects.get().action == action
    item = ActionItem.objects.get()
    assert list(item.owners.all()) == [org_a] and item.due_on == datetime.date(2030, 3, 31)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/incontri/{past.pk}/verbale/", {"minutes": "Presenti tutti."})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mailoutbox) == sorted([referent_a.email, referent_b.email])
    assert "Raccogliere i dati" in mailoutbox[0].body
    past.refresh_from_db()
    assert past.minutes_published_at is not None and past.status == Meeting.Status.HELD
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/incontri/{past.pk}/verbale/", {"minutes": "Presenti tutti. Corretto."})
    assert mailoutbox == []
    assert MeetingNotice.objects.filter(kind="minutes").count() == 2  # one per organisation
    client.force_login(referent_a)
    page = client.get(f"/incontri/{past.pk}/")
    assert b"Si approva il calendario." in page.content
    assert b"Raccogliere i dati" in page.content
    # The programme page shows the meeting that discussed the action.
    programme_page = client.get(f"/programma/{programme.year}/")
    assert past.title.encode() in programme_page.content.replace(b"&#x27;", b"'")


def test_empty_minutes_are_refused(client, coordinator, past):
    client.force_login(coordinator)
    client.post(f"/incontri/{past.pk}/verbale/", {"minutes": "   "})
    past.refresh_from_db()
    assert past.minutes_published_at is None


def test_an_action_item_needs_an_invited_owner(client, coordinator, past):
    outsider = factories.make_organization("Esterna", slug="esterna")
    client.force_login(coordinator)
    client.post(
        f"/incontri/{past.pk}/verbale/impegni/", {"what": "Qualcosa", "owners": [outsider.pk]}
    )
    assert not ActionItem.objects.exists()


def test_the_yearly_attendance_counts_held_meetings_per_organisation(
    client, coordinator, referent_a, group, org_a, org_b
):
    year = timezone.localdate().year
    for days in (3, 40):
        starts = timezone.now() - datetime.timedelta(days=days)
        if starts.year != year:
            continue
        meeting = factories.make_meeting(group, starts_at=starts)
        actions.attendance_record(
            meeting=meeting,
            statuses={org_a.pk: "attended", org_b.pk: "absent" if days == 3 else "excused"},
            actor=coordinator,
        )
    rows = {row["organization__name"]: row for row in Attendance.objects.per_organization(year)}
    held = Meeting.objects.in_year(year).held().count()
    assert rows["Organizzazione Alfa"]["present"] == held
    assert rows["Organizzazione Beta"]["present"] == 0
    client.force_login(coordinator)
    page = client.get(f"/incontri/presenze/{year}/")
    assert page.status_code == 200
    assert b"Organizzazione Alfa" in page.content
    client.force_login(referent_a)
    assert client.get(f"/incontri/presenze/{year}/").status_code == 403


# --- Programme progress ------------------------------------------------------------------------


def test_an_owner_reports_progress_from_the_partner_area_and_the_public_sees_it(
    client, referent_a, referent_b, org_a, org_b
):
    programme = factories.make_programme()
    action = factories.make_action(programme, org_a, title="Sportello conciliazione")
    other = factories.make_action(programme, org_b, title="Azione di Beta")
    client.force_login(referent_a)
    listing = client.get("/incontri/azioni/")
    assert b"Sportello conciliazione" in listing.content
    assert b"Azione di Beta" not in listing.content
    assert client.get(f"/incontri/azioni/{other.pk}/").status_code == 404
    response = client.post(
        f"/incontri/azioni/{action.pk}/",
        {
            "status": "in_progress",
            "text": "Aperto lo sportello.",
            "written_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS
    note = ProgressNote.objects.get()
    assert (note.organization, note.author) == (org_a, referent_a)
    client.logout()
    page = client.get(f"/programma/{programme.year}/")
    assert b"Aperto lo sportello." in page.content
    # A partner involved is an owner too.
    action.partners.add(org_b)
    client.force_login(referent_b)
    assert client.get(f"/incontri/azioni/{action.pk}/").status_code == 200


def test_progress_in_the_future_or_with_a_made_up_status_is_refused(client, referent_a, org_a):
    action = factories.make_action(factories.make_programme(), org_a)
    client.force_login(referent_a)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    client.post(
        f"/incontri/azioni/{action.pk}/",
        {"status": "in_progress", "text": "x", "written_on": tomorrow},
    )
    client.post(
        f"/incontri/azioni/{action.pk}/",
        {"status": "won", "text": "x", "written_on": timezone.localdate().isoformat()},
    )
    assert not ProgressNote.objects.exists()
    action.refresh_from_db()
    assert action.status == Action.Status.PLANNED


def test_status_counts_cover_every_status(org_a):
    programme = factories.make_programme()
    factories.make_action(programme, org_a, status="completed")
    factories.make_action(programme, org_a)
    counts = programme.actions.status_counts()
    assert counts == {"planned": 1, "in_progress": 0, "completed": 1, "cancelled": 0}


# --- Sub-groups ---------------------------------------------------------------------------------


def test_sub_groups_show_their_members_actions_and_meetings_to_their_members(
    client, referent_a, referent_b, coordinator, group, org_a, django_assert_max_num_queries
):
    subgroup = factories.make_group(name="Sotto-gruppo 0-14", slug="sotto-0-14", parent=group)
    subgroup.members.add(org_a)
    factories.make_action(
        factories.make_programme(), org_a, title="Centri estivi", subgroup=subgroup
    )
    factories.make_meeting(subgroup, title="Avvio del sotto-gruppo")
    client.force_login(referent_a)
    with django_assert_max_num_queries(15):
        page = client.get("/incontri/gruppi/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "Sotto-gruppo 0-14" in content and "Centri estivi" in content
    assert "Avvio del sotto-gruppo" in content
    client.force_login(referent_b)
    content = client.get("/incontri/gruppi/").content.decode()
    assert "Gruppo di lavoro del Distretto" in content
    assert "Sotto-gruppo 0-14" not in content and "Avvio del sotto-gruppo" not in content
    client.force_login(coordinator)
    assert "Sotto-gruppo 0-14" in client.get("/incontri/gruppi/").content.decode()
