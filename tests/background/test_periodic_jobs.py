"""`manage.py run_periodic_jobs`: each due job once, however many machines run it."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background import periodic
from background.mail import deliver_mail
from background.models import OutgoingMail, PeriodicJob
from tests.background.conftest import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls():
    """A registry with one test job that counts its runs."""
    runs = []
    jobs = {}

    @periodic.periodic_job(every=timedelta(hours=1), name="count")
    def count():
        runs.append(timezone.now())

    jobs["count"] = periodic.registry.pop("count")
    return runs, jobs


def test_a_due_job_runs_once_and_then_waits_for_its_interval(calls):
    runs, jobs = calls
    assert periodic.run_due_jobs(jobs) == {"count": "done"}
    assert periodic.run_due_jobs(jobs) == {"count": "not due"}
    assert len(runs) == 1
    row = PeriodicJob.objects.get(name="count")
    assert row.last_started_at <= row.last_finished_at

    PeriodicJob.objects.update(last_started_at=timezone.now() - timedelta(hours=2))
    assert periodic.run_due_jobs(jobs) == {"count": "done"}
    assert len(runs) == 2


def test_of_two_machines_reading_the_same_row_only_one_runs_the_job(calls):
    _runs, jobs = calls
    job = jobs["count"]
    now = timezone.now()
    periodic._claim(job, now - timedelta(hours=2))
    # Both read the row as it was; the first claim changes it under the second.
    stale = PeriodicJob.objects.get(name="count")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PeriodicJob.objects, "get_or_create", lambda **kwargs: (stale, False))
        assert periodic._claim(job, now) is True
        assert periodic._claim(job, now) is False


def test_a_run_started_while_another_runs_the_job_skips_it(calls):
    runs, jobs = calls
    inner = {}

    @periodic.periodic_job(every=timedelta(hours=1), name="nested")
    def nested():
        # Another machine's timer fires while this job is still running.
        inner.update(periodic.run_due_jobs(jobs | {"nested": jobs_nested}))

    jobs_nested = periodic.registry.pop("nested")
    assert periodic.run_due_jobs(jobs | {"nested": jobs_nested}) == {
        "count": "done",
        "nested": "done",
    }
    assert inner == {"count": "not due", "nested": "not due"}
    assert len(runs) == 1


def test_a_failing_job_is_recorded_and_does_not_stop_the_others(calls, caplog):
    runs, jobs = calls

    @periodic.periodic_job(every=timedelta(hours=1), name="broken")
    def broken():
        PeriodicJob.objects.create(name="half-done")
        raise ValueError("no luck")

    jobs = {"broken": periodic.registry.pop("broken"), **jobs}
    assert periodic.run_due_jobs(jobs) == {"broken": "failed", "count": "done"}
    assert PeriodicJob.objects.get(name="broken").last_error == "ValueError: no luck"
    assert not PeriodicJob.objects.filter(name="half-done").exists()  # rolled back
    assert "Periodic job broken failed" in caplog.text


def test_the_command_runs_the_registered_jobs():
    assert {"purge_old_records", "requeue_stalled_mail"} <= set(periodic.registry)
    out = StringIO()
    call_command("run_periodic_jobs", stdout=out)
    assert "purge_old_records: done" in out.getvalue()
    out = StringIO()
    call_command("run_periodic_jobs", stdout=out)
    assert "purge_old_records: not due" in out.getvalue()


def make_mail(status, **fields):
    return OutgoingMail.objects.create(
        to="x@example.org", from_email="f@example.org", subject="S", status=status, **fields
    )


def test_old_task_results_and_mail_are_purged(database_queue):
    old = timezone.now() - timedelta(days=31)
    kept_failed = make_mail(OutgoingMail.Status.FAILED)
    old_sent = make_mail(OutgoingMail.Status.SENT, sent_at=old)
    recent_sent = make_mail(OutgoingMail.Status.SENT, sent_at=timezone.now())
    OutgoingMail.objects.filter(pk__in=[old_sent.pk, kept_failed.pk]).update(created_at=old)
    waiting = make_mail(OutgoingMail.Status.QUEUED)
    deliver_mail.enqueue(waiting.pk)
    deliver_mail.enqueue(recent_sent.pk)
    run_worker()
    first = DBTaskResult.objects.finished().first()
    DBTaskResult.objects.filter(pk=first.pk).update(finished_at=old)

    periodic.registry["purge_old_records"].function()

    assert set(OutgoingMail.objects.values_list("pk", flat=True)) == {
        kept_failed.pk,
        recent_sent.pk,
        waiting.pk,
    }
    assert DBTaskResult.objects.count() == 1


def test_stranded_mail_gets_a_new_task(database_queue):
    long_ago = timezone.now() - timedelta(hours=2)
    stranded = make_mail(OutgoingMail.Status.QUEUED)  # its task was never enqueued
    stuck = make_mail(OutgoingMail.Status.SENDING, sending_since=long_ago)  # worker killed
    fresh = make_mail(OutgoingMail.Status.QUEUED)
    OutgoingMail.objects.filter(pk__in=[stranded.pk, stuck.pk]).update(created_at=long_ago)
    OutgoingMail.objects.update(body="Testo")

    periodic.registry["requeue_stalled_mail"].function()
    periodic.registry["requeue_stalled_mail"].function()  # again: no second task
    assert DBTaskResult.objects.count() == 2
    run_worker()

    assert len(mail.outbox) == 2
    fresh.refresh_from_db()
    assert fresh.status == OutgoingMail.Status.QUEUED
