"""Backups of the whole portal: the database and both file storages, and their restore.

A backup is a directory (copy it anywhere: rsync, restic, borg, ``tar``)::

    manifest.json          what is inside, with a SHA-256 checksum and size of every file
    database.pgdump        PostgreSQL: pg_dump's custom format (pg_restore reads it)
    database.sqlite3       SQLite: a copy made with SQLite's online-backup API
    files/default/...      every public upload (logos, service images), by storage name
    files/private/...      every private upload (minutes, agreement documents)

Files are read and written through Django's storage API, so the same backup moves between
the filesystem and S3-compatible object storage.

Consistency: the database is one snapshot (pg_dump runs inside a transaction whose snapshot
also counted every table's rows; SQLite's backup API copies one consistent state). Files are
copied once before the database snapshot and the new ones once after it. The portal removes
a replaced file only after the transaction that replaced it commits, so every file the
snapshot names is in the backup unless it was uploaded and replaced again within the seconds
the dump took.

``base`` (layout, errors, storage files), ``database`` (pg_dump / pg_restore, SQLite),
``snapshot`` (make, verify, restore one backup), ``retention`` (dated backups, pruning).
"""

from distretto.backups.base import (
    DATABASE_FILES,
    MANIFEST,
    STORAGE_ALIASES,
    BackupError,
    BackupInvalid,
    TargetNotEmpty,
    storage_files,
)
from distretto.backups.database import data_tables_with_rows, find_pg_tool
from distretto.backups.retention import (
    DATED_NAME,
    backups_to_prune,
    create_dated_backup,
    dated_backup_name,
)
from distretto.backups.snapshot import create_backup, restore_backup, verify_backup

__all__ = [
    "DATABASE_FILES",
    "DATED_NAME",
    "MANIFEST",
    "STORAGE_ALIASES",
    "BackupError",
    "BackupInvalid",
    "TargetNotEmpty",
    "backups_to_prune",
    "create_backup",
    "create_dated_backup",
    "data_tables_with_rows",
    "dated_backup_name",
    "find_pg_tool",
    "restore_backup",
    "storage_files",
    "verify_backup",
]
