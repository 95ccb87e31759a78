"""Every mail leaves through a background task: after commit, retried, never lost."""

import logging
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background.models import OutgoingMail
from common.audit import send_templated_mail
from tests import factories
from tests.background.conftest import FlakyBackend, run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(settings, tmp_path):
    """A mail template of our own, so these tests do not depend on a real one's context."""
    folder = tmp_path / "templates" / "email"
    folder.mkdir(parents=True)
    (folder / "hello_subject.txt").write_text("Ciao {{ name }}\n")
    (folder / "hello_message.txt").write_text("Ecco il link: {{ SITE_URL }}/x\n")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    ]
    return "hello"


def send_hello(*recipients):
    send_templated_mail("hello", list(recipients), {"name": "Anna"})


# --- immediate backend (development, and the rest of the suite) ------------------------------


def test_mail_leaves_after_commit_through_the_outbox(template, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        send_hello("anna@example.org", "bruno@example.org")
        assert mail.outbox == []
        assert OutgoingMail.objects.count() == 2

    assert sorted(message.to[0] for message in mail.outbox) == [
        "anna@example.org",
        "bruno@example.org",
    ]
    assert mail.outbox[0].subject.endswith("Ciao Anna")
    sent = OutgoingMail.objects.get(to="anna@example.org")
    assert sent.status == OutgoingMail.Status.SENT
    assert sent.attempts == 1
    assert sent.sent_at is not None
    # The text may hold a sign-in or reset link: it is not kept once sent.
    assert sent.body == ""


def test_a_rolled_back_change_tells_nobody(template, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_hello("anna@example.org")
        raise RuntimeError("the action failed after queuing its mail")

    assert mail.outbox == []
    assert not OutgoingMail.objects.exists()


def test_with_the_immediate_backend_a_refused_mail_is_reported_not_raised(
    template, flaky_mail_server, django_capture_on_commit_callbacks, caplog
):
    flaky_mail_server(1)
    with (
        caplog.at_level(logging.ERROR, logger="background.mail"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_hello("anna@example.org")

    failed = OutgoingMail.objects.get()
    assert failed.status == OutgoingMail.Status.FAILED
    assert "SMTPServerDisconnected" in failed.last_error
    assert "could not be sent" in caplog.text
    assert mail.outbox == []


# --- database queue (production) -------------------------------------------------------------


def test_queued_mail_is_delivered_by_the_worker_exactly_once(
    template, database_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_hello("anna@example.org", "bruno@example.org")

    assert mail.outbox == []
    assert DBTaskResult.objects.ready().count() == 2

    run_worker()
    run_worker()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "anna@example.org",
        "bruno@example.org",
    ]
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"sent"}
    assert DBTaskResult.objects.successful().count() == 2


def test_the_task_carries_only_the_mails_id_not_its_text(
    template, database_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_hello("anna@example.org")

    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [OutgoingMail.objects.get().pk], "kwargs": {}}


def test_a_stopped_worker_loses_no_mail(
    template, database_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_hello("a@example.org", "b@example.org", "c@example.org")

    run_worker("--max-tasks", "1")  # the worker stops (or is killed) after one mail
    assert len(mail.outbox) == 1
    assert OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED).count() == 2

    run_worker()  # a later worker, perhaps on another machine
    assert sorted(message.to[0] for message in mail.outbox) == [
        "a@example.org",
        "b@example.org",
        "c@example.org",
    ]


def test_a_refused_mail_is_tried_again_later(
    template, database_queue, flaky_mail_server, django_capture_on_commit_callbacks
):
    flaky_mail_server(1)
    with django_capture_on_commit_callbacks(execute=True):
        send_hello("anna@example.org")

    before = timezone.now()
    run_worker()

    waiting = OutgoingMail.objects.get()
    assert waiting.status == OutgoingMail.Status.QUEUED
    assert waiting.attempts == 1
    assert "SMTPServerDisconnected" in waiting.last_error
    # First back-off step: a minute. The worker does not take it before then.
    assert waiting.next_attempt_at >= before + timedelta(seconds=60)
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == waiting.next_attempt_at
    assert mail.outbox == []

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()

    sent = OutgoingMail.objects.get()
    assert sent.status == OutgoingMail.Status.SENT
    assert sent.attempts == 2
    assert len(mail.outbox) == 1


def test_a_mail_refused_every_time_is_given_up_and_reported(
    template,
    database_queue,
    flaky_mail_server,
    settings,
    django_capture_on_commit_callbacks,
    caplog,
    coordinator,
    client,
):
    settings.MAIL_RETRY_DELAYS = [0, 0, 0]
    flaky_mail_server(100)
    with django_capture_on_commit_callbacks(execute=True):
        send_hello("anna@example.org")

    with caplog.at_level(logging.WARNING, logger="background.mail"):
        run_worker()

    failed = OutgoingMail.objects.get()
    assert failed.status == OutgoingMail.Status.FAILED
    assert failed.attempts == 4 == FlakyBackend.attempts
    assert "could not be sent after 4 attempts" in caplog.text
    assert mail.outbox == []

    client.force_login(coordinator)
    response = client.get("/en/admin/")
    counts = {item.label: item.count for item in response.context["attention_items"]}
    assert counts["Mail that could not be sent"] == 1


def test_the_coordinator_sends_a_failed_mail_again(
    template,
    database_queue,
    flaky_mail_server,
    settings,
    django_capture_on_commit_callbacks,
    coordinator,
    client,
):
    settings.MAIL_RETRY_DELAYS = []
    flaky_mail_server(1)
    with django_capture_on_commit_callbacks(execute=True):
        send_hello("anna@example.org")
    run_worker()
    failed = OutgoingMail.objects.get(status=OutgoingMail.Status.FAILED)

    client.force_login(coordinator)
    changelist = reverse("admin:background_outgoingmail_changelist")
    page = client.get(f"{changelist}?status__exact=failed")
    assert page.status_code == 200
    assert "anna@example.org" in page.content.decode()
    detail = client.get(reverse("admin:background_outgoingmail_change", args=[failed.pk]))
    assert detail.status_code == 200
    assert "Ecco il link" not in detail.content.decode()  # the text is not shown

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist,
            {"action": "send_again_action", "_selected_action": [failed.pk]},
            follow=True,
        )
    assert response.status_code == 200
    run_worker()

    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENT
    assert [message.to for message in mail.outbox] == [["anna@example.org"]]


def test_allauths_mail_leaves_through_the_queue_too(database_queue, client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "nuova@example.org",
            "password1": "un-segreto-lungo",
            "password2": "un-segreto-lungo",
        },
    )
    assert response.status_code == 302
    assert mail.outbox == []
    assert DBTaskResult.objects.ready().count() == 1

    run_worker()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nuova@example.org"]
    assert "/account/" in mail.outbox[0].body


def test_an_action_mail_goes_to_the_outbox_with_the_change(
    database_queue, django_capture_on_commit_callbacks, org_a, org_b, referent_a, employee_b
):
    # A real action's mail: a service request tells the provider's referents.
    from services.actions import service_request_send
    from services.models import ServiceRequest

    service = factories.make_service(org_a)
    with django_capture_on_commit_callbacks(execute=True):
        service_request_send(
            service=service,
            organization=org_b,
            kind=ServiceRequest.Kind.INTEREST,
            message="Informazioni?",
            actor=employee_b,
        )
    assert mail.outbox == []
    run_worker()
    assert [message.to for message in mail.outbox] == [[referent_a.email]]


# --- Message-ID: one per mail, the same on every attempt ---------------------------------------


def test_every_queued_mail_has_its_own_message_id_of_the_sites_domain(
    template, database_queue, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://portale.example.it"
    with django_capture_on_commit_callbacks(execute=True):
        send_hello("anna@example.org", "bruno@example.org")
    run_worker()

    ids = set(OutgoingMail.objects.values_list("message_id", flat=True))
    assert len(ids) == 2
    assert all(re.fullmatch(r"<outbox-[0-9a-f]{32}@portale\.example\.it>", i) for i in ids)
    # The message that left carries the outbox's Message-ID, not one made up when sending.
    assert {message.message()["Message-ID"] for message in mail.outbox} == ids


def test_a_mail_sent_again_after_a_failure_keeps_its_message_id(
    template, database_queue, flaky_mail_server, django_capture_on_commit_callbacks
):
    """A receiver that deduplicates by Message-ID sees one message however often it left."""
    flaky_mail_server(1)
    with django_capture_on_commit_callbacks(execute=True):
        send_hello("anna@example.org")
    message_id = OutgoingMail.objects.get().message_id
    run_worker()
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_worker()

    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENT
    assert [message.message()["Message-ID"] for message in mail.outbox] == [message_id]


def test_a_caller_cannot_give_two_recipients_the_same_message_id(
    template, database_queue, django_capture_on_commit_callbacks
):
    from django.core.mail import EmailMessage

    from background.mail import queue_mail

    message = EmailMessage(
        "Oggetto", "Testo", to=["a@example.org", "b@example.org"],
        headers={"Message-ID": "<fixed@example.org>", "Reply-To": "x@example.org"},
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        mails = queue_mail(message)

    assert len({mail.message_id for mail in mails}) == 2
    assert all(mail.headers == {"Reply-To": "x@example.org"} for mail in mails)


# --- mail left half-sent by a killed worker ----------------------------------------------------


def dead_pid() -> int:
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def half_sent(mail, process: str) -> None:
    """The state a worker killed between claiming the mail and marking it sent leaves."""
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.SENDING, sending_since=timezone.now(), sending_by=process
    )
    DBTaskResult.objects.update(status="RUNNING")


def test_a_worker_started_after_one_was_killed_mid_send_sends_its_mail_at_once(
    template, database_queue, django_capture_on_commit_callbacks, caplog
):
    """`make drill` killed the worker while it was sending: the mail stayed "being sent"
    until the half-hour job; now the next worker on the machine sends it at start."""
    import socket

    with django_capture_on_commit_callbacks(execute=True):
        send_hello("anna@example.org")
    mail_row = OutgoingMail.objects.get()
    half_sent(mail_row, f"{socket.gethostname()}:{dead_pid()}")

    run_worker()

    mail_row.refresh_from_db()
    assert mail_row.status == OutgoingMail.Status.SENT
    assert [message.to for message in mail.outbox] == [["anna@example.org"]]
    assert [message.message()["Message-ID"] for message in mail.outbox] == [mail_row.message_id]
    assert "queued again" in caplog.text


def test_mail_being_sent_by_a_live_process_or_another_machine_is_left_alone(
    template, database_queue, django_capture_on_commit_callbacks
):
    import os
    import socket

    from background.mail import requeue_orphaned_mail

    with django_capture_on_commit_callbacks(execute=True):
        send_hello("a@example.org", "b@example.org", "c@example.org")
    a, b, c = OutgoingMail.objects.order_by("to")
    half_sent(a, f"{socket.gethostname()}:{os.getppid()}")  # alive: still sending
    half_sent(b, f"another-machine:{dead_pid()}")  # not ours to judge: the half-hour job
    half_sent(c, f"{socket.gethostname()}:{os.getpid()}")  # this very process

    assert requeue_orphaned_mail() == []
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"sending"}
    # A worker whose own task was cut off by an outage takes back its own mail only.
    assert requeue_orphaned_mail(also_mine=True) == [c.pk]


def test_a_sent_mail_is_recorded_once_the_database_is_back(
    template, database_queue, django_capture_on_commit_callbacks, monkeypatch
):
    """`make drill`: PostgreSQL restarted between the mail server's "accepted" and the
    record of it; the mail was queued again and arrived twice."""
    from unittest import mock

    from django.db import OperationalError

    from background import mail as outbox

    with django_capture_on_commit_callbacks(execute=True):
        send_hello("anna@example.org")
    failures = [OperationalError("the database system is shutting down")] * 2
    real_save = OutgoingMail.save

    def save(self, *args, **kwargs):
        if self.status == OutgoingMail.Status.SENT and failures:
            raise failures.pop()
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(OutgoingMail, "save", save)
    # The test's own transaction stands for the outage: the worker would reconnect.
    monkeypatch.setattr(outbox, "_reconnect", lambda: None)
    monkeypatch.setattr(outbox, "_in_transaction", lambda: False)
    with mock.patch.object(outbox.time, "sleep") as sleep:
        run_worker()

    assert [call.args[0] for call in sleep.call_args_list] == [0.5, 1]
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENT
    assert len(mail.outbox) == 1


# --- mail and its task: one transaction -------------------------------------------------------


def test_with_the_database_queue_a_mail_and_its_task_are_written_together(
    template, database_queue, django_capture_on_commit_callbacks
):
    """`make drill`: PostgreSQL restarted between the commit of a request's mail and the
    enqueueing of its task (then done after the commit): the mail had no task for an hour."""
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        send_hello("anna@example.org")
        # Already there, before the commit: nothing is left to do after it.
        assert DBTaskResult.objects.ready().count() == 1
        assert OutgoingMail.objects.count() == 1

    run_worker()
    assert [message.to for message in mail.outbox] == [["anna@example.org"]]


def test_with_the_database_queue_a_rolled_back_change_leaves_neither_mail_nor_task(
    template, database_queue
):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_hello("anna@example.org")
        raise RuntimeError("the change fails after the mail was queued")

    assert OutgoingMail.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_mail_enqueued_at_once_is_rolled_back_with_its_transaction(database_queue):
    """allauth's mail is enqueued at once (not on commit): with the database queue the
    task row and the outbox row live in the same transaction, so a rollback leaves no task
    pointing at a mail that does not exist, and nothing is sent."""
    from django.core.mail import EmailMessage

    from background.mail import queue_mail

    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        queue_mail(EmailMessage("Conferma", "Testo", to=["anna@example.org"]), after_commit=False)
        assert DBTaskResult.objects.count() == 1
        raise Undone

    assert OutgoingMail.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    run_worker()
    assert mail.outbox == []
