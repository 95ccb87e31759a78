import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.tasks import task_backends
from django.utils.connection import Local


def _forget_task_backends():
    # django.tasks caches its backends and does not listen to setting changes.
    task_backends.__dict__.pop("settings", None)
    task_backends._settings = None
    task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture
def database_queue(settings, db):
    """Tasks go to django-tasks-db's queue, as in production; run_worker() runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _forget_task_backends()
    yield
    _forget_task_backends()


def run_worker(*args):
    """`manage.py db_worker --batch`: runs what is due, then stops."""
    # The worker closes "old" connections between tasks, which includes one inside the test's
    # transaction (as Django's test client, keep it open).
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", *args, verbosity=0
        )


class FlakyBackend(LocmemBackend):
    """The local outbox, behind a mail server that refuses the next ``failures`` mails."""

    failures = 0
    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).failures:
            type(self).failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail_server(settings):
    """Returns a function: flaky_mail_server(failures) refuses that many mails, then works."""
    settings.MAILERS = {"default": {"BACKEND": "tests.background.conftest.FlakyBackend"}}
    FlakyBackend.attempts = 0

    def refuse(failures):
        FlakyBackend.failures = failures

    yield refuse
    FlakyBackend.failures = 0
    mail.outbox = []
