"""Periodic jobs: a registry, and the one command that runs those that are due.

An app declares a job in its ``jobs.py``::

    @periodic_job(every=timedelta(days=1))
    def warn_expiring_certifications(): ...

``manage.py run_periodic_jobs`` (a systemd timer in production, every few minutes) runs each
job whose interval has passed since it last started. Safe on several machines at once: a job
is claimed with a conditional UPDATE of its ``PeriodicJob`` row (last start unchanged since
it was read), which only one process can win, on PostgreSQL and SQLite alike. A job that
fails is logged and recorded on its row; the next due run tries again.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from background.models import PeriodicJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    function: Callable[[], object]


registry: dict[str, Job] = {}


def periodic_job(*, every: timedelta, name: str | None = None):
    def register(function):
        job = Job(name or function.__name__, every, function)
        if job.name in registry and registry[job.name].function is not function:
            raise ValueError(f"Two periodic jobs are called {job.name!r}.")
        registry[job.name] = job
        return function

    return register


def _claim(job: Job, now) -> bool:
    """True if this process may run ``job`` now: it is due and nobody else took it."""
    row, _created = PeriodicJob.objects.get_or_create(name=job.name)
    if row.last_started_at is not None and row.last_started_at + job.every > now:
        return False
    return bool(
        PeriodicJob.objects.filter(pk=row.pk, last_started_at=row.last_started_at).update(
            last_started_at=now
        )
    )


def run_due_jobs(jobs: dict[str, Job] | None = None) -> dict[str, str]:
    """Run every due job once; returns {name: "done" | "not due" | "failed"}."""
    outcome = {}
    for job in (registry if jobs is None else jobs).values():
        if not _claim(job, timezone.now()):
            outcome[job.name] = "not due"
            continue
        error = ""
        try:
            with transaction.atomic():
                job.function()
        except Exception as exc:
            logger.exception("Periodic job %s failed", job.name)
            error = f"{type(exc).__name__}: {exc}"[:2000]
            outcome[job.name] = "failed"
        else:
            outcome[job.name] = "done"
        PeriodicJob.objects.filter(name=job.name).update(
            last_finished_at=timezone.now(), last_error=error
        )
    return outcome
