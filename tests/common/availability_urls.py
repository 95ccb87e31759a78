"""A view that changes the session: the session middleware saves it after the view."""

from django.http import HttpResponse
from django.urls import path


def remember(request):
    request.session["seen"] = True
    return HttpResponse("remembered")


urlpatterns = [path("remember", remember)]
handler500 = "distretto.views.server_error"
