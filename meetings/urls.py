from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("programma/", views.programme, name="programme"),
    path("programma/<int:year>/", views.programme_year, name="programme-year"),
]
