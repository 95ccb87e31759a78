"""What every part of a backup shares: its layout, its errors, the files of a storage."""

from __future__ import annotations

import hashlib
import os
import posixpath
from pathlib import Path, PurePosixPath

from common.private_files import PRIVATE_STORAGE_ALIAS

FORMAT = "distretto-backup"


FORMAT_VERSION = 1


MANIFEST = "manifest.json"


FILES_DIRECTORY = "files"


#: The storages holding uploads (public, private). Static files are rebuilt by collectstatic.
STORAGE_ALIASES = ("default", PRIVATE_STORAGE_ALIAS)


DATABASE_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


#: Tables that `migrate` (and `flush`) fill by itself: rows there do not make a database
#: "not empty". Content types and permissions are recreated by every migrate; the
#: coordinator group and its permissions come from a data migration.
STRUCTURE_TABLES = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "auth_group",
        "auth_group_permissions",
        "sqlite_sequence",
        # The search synonyms: seeded from services/search_synonyms.toml by migrate.
        "services_synonymgroup",
    }
)


#: A restore waits this long for a table lock (app servers still running) and then gives up.
RESTORE_LOCK_TIMEOUT_MS = 30_000


CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; ``problems`` are the reasons, one a line."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class BackupInvalid(BackupError):
    """The backup is damaged, incomplete or not a backup at all."""


class TargetNotEmpty(BackupError):
    """A restore would overwrite data."""


def storage_files(storage, directory: str = ""):
    """Every file name in ``storage`` (any backend), sorted, descending into directories."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:  # a filesystem storage whose folder was never created
        return
    for name in sorted(files):
        yield posixpath.join(directory, name) if directory else name
    for name in sorted(directories):
        yield from storage_files(storage, posixpath.join(directory, name) if directory else name)


def sha256_of(stream) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def sha256_of_path(path: Path) -> tuple[int, str]:
    with open(path, "rb") as stream:
        return sha256_of(stream)


def copy_out(storage, name: str, target: Path) -> tuple[int, str] | None:
    """Copy one stored file to ``target``; None when it vanished since it was listed."""
    try:
        source = storage.open(name, "rb")
    except FileNotFoundError:
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with source, open(target, "xb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return size, digest.hexdigest()


def safe_relative(path: str) -> bool:
    """A manifest path stays inside the backup directory."""
    pure = PurePosixPath(path)
    return bool(path) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in path
