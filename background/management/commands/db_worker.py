"""`manage.py db_worker`: django-tasks-db's task worker, which waits out a database outage.

django-tasks-db's own worker exits at the first database error that is not a lock: a
PostgreSQL restart (found by the stack's fault drill, `make drill`) left the stack with no
worker, and mail waited in the queue until someone started one again. systemd restarts a
worker that exits (deploy/systemd/distretto-worker.service, `Restart=always`), but not every
supervisor does. This command takes the name `db_worker` (the `background` app comes before
`django_tasks_db` in INSTALLED_APPS) with the same options; its worker logs the outage,
drops its connection, waits (1, 2, 4 ... at most 30 seconds) and carries on.

When it starts, the worker first queues again the mail that a worker of this machine
killed while sending left "being sent"; after an outage, also the mail its own cut-off task
had claimed (background.mail.requeue_orphaned_mail; see background/mail.py on
at-least-once delivery).
"""

import contextlib
import logging
import time

from django.core.management.base import CommandError
from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker

from background.mail import requeue_orphaned_mail

logger = logging.getLogger("background.worker")

MAX_PAUSE_SECONDS = 30
# A worker that ran this long since its last outage starts again from the shortest pause.
CALM_SECONDS = 60


class ResilientWorker(db_worker.Worker):
    """django-tasks-db's Worker, started again after a database error instead of exiting."""

    def run(self) -> None:
        pause = 1.0
        last_outage = None
        recovered = False
        outage = False
        while True:
            try:
                if not recovered:
                    # Mail a killed worker of this machine left half-sent goes out again now;
                    # after an outage, also the mail this worker's cut-off task had claimed.
                    requeue_orphaned_mail(also_mine=outage)
                    recovered = True
                return super().run()
            except (OperationalError, InterfaceError) as error:
                if not self.running:
                    raise
                recovered, outage = False, True
                now = time.monotonic()
                if last_outage is not None and now - last_outage > CALM_SECONDS:
                    pause = 1.0
                last_outage = now
                logger.warning(
                    "Database unavailable, the worker waits %.0f s and tries again: %s",
                    pause,
                    error,
                )
                # A broken connection is not reused: the next query opens a new one.
                for connection in connections.all(initialized_only=True):
                    with contextlib.suppress(Exception):
                        connection.close()
                time.sleep(pause)
                pause = min(pause * 2, MAX_PAUSE_SECONDS)


class Command(db_worker.Command):
    help = (
        "Run django-tasks-db's database-backed task worker; a database outage is waited "
        "out (logged, tried again after 1 to 30 s) instead of stopping the worker."
    )

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning(
                "Warning: --reload and --batch cannot be specified together. Disabling autoreload."
            )
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if reload:
            if db_worker.os.environ.get(db_worker.DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            db_worker.run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
