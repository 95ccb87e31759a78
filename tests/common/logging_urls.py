"""Two views for the logging tests: one writes a log line, one fails."""

import logging

from django.http import HttpResponse
from django.urls import path


def chatty(request):
    logging.getLogger("distretto.example").warning("working on it")
    return HttpResponse("done")


def failing(request):
    raise ValueError("something broke")


urlpatterns = [path("chatty", chatty), path("failing", failing)]
