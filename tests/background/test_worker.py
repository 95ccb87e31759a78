"""The task worker waits out a database outage instead of exiting (found by `make drill`)."""

from unittest import mock

import pytest
from django.core.management import get_commands
from django.db import InterfaceError, OperationalError
from django_tasks_db.management.commands import db_worker as upstream

from background.management.commands import db_worker


def test_manage_py_db_worker_is_the_one_that_waits_out_outages():
    assert get_commands()["db_worker"] == "background"


def make_worker():
    return db_worker.ResilientWorker(
        queue_names=["default"],
        interval=1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )


@pytest.fixture
def sleeps():
    with mock.patch.object(db_worker.time, "sleep") as sleep:
        yield sleep


@pytest.fixture(autouse=True)
def recoveries():
    with mock.patch.object(db_worker, "requeue_orphaned_mail", return_value=[]) as recover:
        yield recover


def test_a_database_error_is_logged_and_the_worker_carries_on(sleeps, recoveries, caplog):
    outcomes = [OperationalError("connection refused"), InterfaceError("connection closed"), None]

    def run(self):
        outcome = outcomes.pop(0)
        if outcome is not None:
            raise outcome

    with mock.patch.object(upstream.Worker, "run", run):
        make_worker().run()

    assert outcomes == []
    # Waits between attempts grow: 1 s, then 2 s.
    assert [call.args[0] for call in sleeps.call_args_list] == [1.0, 2.0]
    assert "Database unavailable, the worker waits 1 s" in caplog.text
    # Half-sent mail is looked for at the start, then after each outage including the mail
    # of this worker's own cut-off task.
    assert [call.kwargs for call in recoveries.call_args_list] == [
        {"also_mine": False},
        {"also_mine": True},
        {"also_mine": True},
    ]


def test_the_pause_grows_to_at_most_thirty_seconds(sleeps):
    failures = iter(range(8))

    def run(self):
        if next(failures, None) is not None:
            raise OperationalError("the database system is starting up")

    with mock.patch.object(upstream.Worker, "run", run):
        make_worker().run()

    assert [call.args[0] for call in sleeps.call_args_list] == [1, 2, 4, 8, 16, 30, 30, 30]


def test_a_worker_asked_to_stop_does_not_wait(sleeps):
    worker = make_worker()

    def run(self):
        self.running = False  # SIGTERM arrived while the query failed
        raise OperationalError("terminating connection due to administrator command")

    with mock.patch.object(upstream.Worker, "run", run), pytest.raises(OperationalError):
        worker.run()
    sleeps.assert_not_called()


def test_other_errors_still_stop_the_worker(sleeps):
    def run(self):
        raise RuntimeError("a bug")

    with mock.patch.object(upstream.Worker, "run", run), pytest.raises(RuntimeError):
        make_worker().run()
    sleeps.assert_not_called()
