from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("programma/", views.programme, name="programme"),
    path("programma/<int:year>/", views.programme_year, name="programme-year"),
    path("incontri/", views.meeting_list, name="meeting-list"),
    path("incontri/calendario.ics", views.meeting_calendar, name="meeting-calendar"),
    path(
        "incontri/calendario/<str:token>.ics",
        views.meeting_calendar_feed,
        name="meeting-calendar-feed",
    ),
    path("incontri/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("incontri/<int:pk>/verbale.pdf", views.meeting_minutes, name="meeting-minutes"),
    path("incontri/<int:pk>/presenza/", views.meeting_rsvp, name="meeting-rsvp"),
    # The coordinator's side of a meeting.
    path(
        "incontri/<int:pk>/ordine-del-giorno/",
        views.meeting_agenda_add,
        name="meeting-agenda-add",
    ),
    path(
        "incontri/<int:pk>/ordine-del-giorno/<int:item_pk>/sposta/",
        views.agenda_item_move,
        name="agenda-item-move",
    ),
    path(
        "incontri/<int:pk>/ordine-del-giorno/<int:item_pk>/elimina/",
        views.agenda_item_remove,
        name="agenda-item-remove",
    ),
    path(
        "incontri/<int:pk>/ordine-del-giorno/<int:item_pk>/documenti/",
        views.agenda_document_add,
        name="agenda-document-add",
    ),
    path(
        "incontri/<int:pk>/documenti/<int:document_pk>.pdf",
        views.agenda_document,
        name="agenda-document",
    ),
    path(
        "incontri/<int:pk>/documenti/<int:document_pk>/elimina/",
        views.agenda_document_remove,
        name="agenda-document-remove",
    ),
    path("incontri/<int:pk>/presenze/", views.meeting_attendance, name="meeting-attendance"),
    path("incontri/<int:pk>/verbale/", views.meeting_minutes_edit, name="meeting-minutes-edit"),
    path("incontri/<int:pk>/verbale/decisioni/", views.decision_add, name="decision-add"),
    path(
        "incontri/<int:pk>/verbale/decisioni/<int:decision_pk>/elimina/",
        views.decision_remove,
        name="decision-remove",
    ),
    path("incontri/<int:pk>/verbale/impegni/", views.action_item_add, name="action-item-add"),
    path(
        "incontri/<int:pk>/verbale/impegni/<int:item_pk>/elimina/",
        views.action_item_remove,
        name="action-item-remove",
    ),
    path("incontri/presenze/<int:year>/", views.attendance_report, name="attendance-report"),
    # The owners' progress on the programme.
    path("incontri/gruppi/", views.group_list, name="group-list"),
    path("incontri/azioni/", views.action_list, name="action-list"),
    path("incontri/azioni/<int:pk>/", views.action_progress, name="action-progress"),
]
