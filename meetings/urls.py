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
]
