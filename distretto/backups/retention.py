"""Dated backups for a daily timer, and which old ones to prune."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from distretto.backups.base import MANIFEST
from distretto.backups.snapshot import create_backup

DATED_NAME = re.compile(r"^distretto-(\d{8}T\d{6}Z)$")


def dated_backup_name(moment: dt.datetime) -> str:
    return f"distretto-{moment.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"


def backups_to_prune(names, *, keep_daily: int, keep_weekly: int) -> list[str]:
    """The dated backups that fall outside "the newest of each of the last ``keep_daily``
    days, and the newest of each of the last ``keep_weekly`` ISO weeks" (names not dated by
    ``dated_backup_name`` are never pruned)."""
    dated = []
    for name in names:
        if match := DATED_NAME.match(name):
            moment = dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ")
            dated.append((moment, name))
    dated.sort(reverse=True)
    keep, days, weeks = set(), set(), set()
    for moment, name in dated:
        day, week = moment.date(), moment.isocalendar()[:2]
        if day not in days and len(days) < keep_daily:
            days.add(day)
            keep.add(name)
        if week not in weeks and len(weeks) < keep_weekly:
            weeks.add(week)
            keep.add(name)
    return [name for _moment, name in dated if name not in keep]


def create_dated_backup(
    directory, *, keep_daily: int | None = None, keep_weekly: int = 0, using=DEFAULT_DB_ALIAS
) -> tuple[Path, dict, list[Path]]:
    """A backup named after its time in ``directory``; then, with ``keep_daily``, prune."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    destination = directory / dated_backup_name(timezone.now())
    manifest = create_backup(destination, using=using)
    pruned = []
    if keep_daily is not None:
        complete = [
            path.name
            for path in directory.iterdir()
            if path.is_dir() and (path / MANIFEST).is_file() and DATED_NAME.match(path.name)
        ]
        for name in backups_to_prune(complete, keep_daily=keep_daily, keep_weekly=keep_weekly):
            shutil.rmtree(directory / name)
            pruned.append(directory / name)
    return destination, manifest, pruned
