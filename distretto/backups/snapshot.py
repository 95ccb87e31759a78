"""Making, verifying and restoring one backup (database and both storages)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
from importlib import metadata
from pathlib import Path

import django
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from distretto.backups.base import (
    DATABASE_FILES,
    FILES_DIRECTORY,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    STORAGE_ALIASES,
    BackupError,
    BackupInvalid,
    TargetNotEmpty,
    copy_out,
    safe_relative,
    sha256_of,
    sha256_of_path,
    storage_files,
)
from distretto.backups.database import (
    check_pgdump,
    check_sqlite,
    current_row_counts,
    data_tables_with_rows,
    dump_database,
    restore_postgresql,
    restore_sqlite,
)

logger = logging.getLogger(__name__)


def _app_version() -> str:
    try:
        return metadata.version("distretto")
    except metadata.PackageNotFoundError:
        return "unknown"


def _copy_storages(directory: Path, entries: dict) -> None:
    """Copy every file not copied yet; ``entries`` is keyed by (alias, name)."""
    for alias in STORAGE_ALIASES:
        storage = storages[alias]
        for name in storage_files(storage):
            if (alias, name) in entries:
                continue
            if not safe_relative(name):
                raise BackupError(
                    _("The storage %(alias)s holds a file with an unsafe name: %(name)r.")
                    % {"alias": alias, "name": name}
                )
            relative = f"{FILES_DIRECTORY}/{alias}/{name}"
            copied = copy_out(storage, name, directory / relative)
            if copied is not None:
                size, sha256 = copied
                entries[(alias, name)] = {
                    "path": relative,
                    "storage": alias,
                    "name": name,
                    "size": size,
                    "sha256": sha256,
                }


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def create_backup(destination, *, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Write a backup to the directory ``destination`` (new, or empty); return its manifest."""
    destination = Path(destination)
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise BackupError(
            _("%(path)s already exists and is not an empty directory: choose a new one.")
            % {"path": destination}
        )
    destination.parent.mkdir(parents=True, exist_ok=True)
    # Built beside the destination and renamed at the end: a backup directory is complete.
    work = destination.parent / f".{destination.name}.partial-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(mode=0o700)
    connection = connections[using]
    started = timezone.now()
    try:
        files: dict = {}
        _copy_storages(work, files)
        database_file = DATABASE_FILES.get(connection.vendor, "database")
        database = dump_database(connection, work / database_file)
        database["file"] = database_file
        _copy_storages(work, files)  # uploaded while the database was dumped
        size, sha256 = sha256_of_path(work / database_file)
        entries = [{"path": database_file, "size": size, "sha256": sha256}]
        entries += sorted(files.values(), key=lambda entry: entry["path"])
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": started.astimezone(dt.UTC).isoformat(timespec="seconds"),
            "app_version": _app_version(),
            "django_version": django.get_version(),
            "database": database,
            "storages": {
                alias: {
                    "files": sum(1 for e in files.values() if e["storage"] == alias),
                    "bytes": sum(e["size"] for e in files.values() if e["storage"] == alias),
                }
                for alias in STORAGE_ALIASES
            },
            "files": entries,
        }
        with open(work / MANIFEST, "x", encoding="utf-8") as out:
            json.dump(manifest, out, indent=2, ensure_ascii=False)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        # Personal data and password hashes: for the owner's eyes only, whatever the umask.
        for path in work.rglob("*"):
            if path.is_dir():
                path.chmod(0o700)
                _fsync_directory(path)
            else:
                path.chmod(0o600)
        _fsync_directory(work)
        work.rename(destination)
        _fsync_directory(destination.parent)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    logger.info(
        "backup written to %s: %d tables, %d files",
        destination,
        len(manifest["database"]["tables"]),
        len(files),
    )
    return manifest


def _load_manifest(source: Path) -> dict:
    if not source.is_dir():
        raise BackupInvalid(_("%(path)s is not a backup directory.") % {"path": source})
    path = source / MANIFEST
    if not path.is_file():
        raise BackupInvalid(
            _("%(path)s has no manifest.json: not a backup, or an incomplete one.")
            % {"path": source}
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupInvalid(
            _("manifest.json is damaged (not valid JSON): %(error)s") % {"error": error}
        ) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupInvalid(_("manifest.json does not describe a Distretto backup."))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupInvalid(
            _("This backup has format version %(found)s; this release reads version %(ours)s.")
            % {"found": manifest.get("format_version"), "ours": FORMAT_VERSION}
        )
    database = manifest.get("database")
    entries = manifest.get("files")
    valid = (
        isinstance(database, dict)
        and database.get("vendor") in DATABASE_FILES
        and database.get("file") == DATABASE_FILES[database.get("vendor")]
        and isinstance(database.get("tables"), dict)
        and isinstance(manifest.get("storages"), dict)
        and isinstance(entries, list)
        and all(
            isinstance(entry, dict)
            and isinstance(entry.get("path"), str)
            and isinstance(entry.get("size"), int)
            and isinstance(entry.get("sha256"), str)
            for entry in entries
        )
    )
    if not valid:
        raise BackupInvalid(_("manifest.json is incomplete: a required entry is missing."))
    return manifest


def _check_files(source: Path, manifest: dict) -> list[str]:
    problems = []
    listed = {}
    for entry in manifest["files"]:
        path = entry["path"]
        if not safe_relative(path) or path == MANIFEST:
            problems.append(_("The manifest names an invalid path: %(path)r.") % {"path": path})
        elif path in listed:
            problems.append(_("The manifest names %(path)s twice.") % {"path": path})
        else:
            listed[path] = entry
    present = {
        path.relative_to(source).as_posix()
        for path in source.rglob("*")
        if path.is_file() or path.is_symlink()
    } - {MANIFEST}
    for path in sorted(present - set(listed)):
        problems.append(
            _("%(path)s is in the backup but not listed in the manifest.") % {"path": path}
        )
    for path in sorted(set(listed) - present):
        problems.append(
            _("%(path)s is listed in the manifest but missing from the backup.") % {"path": path}
        )
    for path in sorted(set(listed) & present):
        entry, file = listed[path], source / path
        if file.is_symlink():
            problems.append(_("%(path)s is a symbolic link, not a file.") % {"path": path})
            continue
        size, sha256 = sha256_of_path(file)
        if size != entry["size"] or sha256 != entry["sha256"]:
            problems.append(
                _("%(path)s does not match its checksum in the manifest: it is damaged or changed.")
                % {"path": path}
            )
    for entry in listed.values():
        if entry["path"] == manifest["database"]["file"]:
            continue
        alias, name = entry.get("storage"), entry.get("name")
        if (
            alias not in STORAGE_ALIASES
            or not isinstance(name, str)
            or not safe_relative(name)
            or entry["path"] != f"{FILES_DIRECTORY}/{alias}/{name}"
        ):
            problems.append(
                _("%(path)s is listed in the manifest without its storage and name.")
                % {"path": entry["path"]}
            )
    for alias in STORAGE_ALIASES:
        in_storage = [e for e in listed.values() if e.get("storage") == alias]
        counted = manifest["storages"].get(alias) or {}
        if counted.get("files") != len(in_storage) or counted.get("bytes") != sum(
            e["size"] for e in in_storage
        ):
            problems.append(
                _(
                    "The manifest counts %(counted)s files in the storage %(alias)s but lists "
                    "%(listed)d."
                )
                % {"counted": counted.get("files"), "alias": alias, "listed": len(in_storage)}
            )
    if manifest["database"]["file"] not in listed:
        problems.append(_("The manifest does not list the database dump."))
    return problems


def verify_backup(source) -> dict:
    """Check every checksum, the manifest and the dump; return the manifest or raise."""
    source = Path(source)
    manifest = _load_manifest(source)
    problems = _check_files(source, manifest)
    if not problems:  # reading a dump already known to be damaged says nothing new
        database = manifest["database"]
        dump = source / database["file"]
        if database["vendor"] == "sqlite":
            problems += check_sqlite(dump, database["tables"])
        else:
            problems += check_pgdump(dump, database)
    if problems:
        raise BackupInvalid(problems)
    return manifest


def _not_empty_problems(connection) -> list[str]:
    problems = []
    tables = data_tables_with_rows(connection)
    if tables:
        shown = ", ".join(f"{table} ({rows})" for table, rows in sorted(tables.items())[:5])
        problems.append(
            _("The database is not empty: %(count)d tables hold rows, e.g. %(tables)s.")
            % {"count": len(tables), "tables": shown}
        )
    for alias in STORAGE_ALIASES:
        first = next(storage_files(storages[alias]), None)
        if first is not None:
            problems.append(
                _("The storage %(alias)s is not empty: it holds %(name)s, among others.")
                % {"alias": alias, "name": first}
            )
    return problems


def restore_backup(source, *, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Verify the backup, then restore it into an empty database and empty storages.

    With ``force`` the database is replaced by the backup's and each storage is left
    holding exactly the backup's files.
    """
    source = Path(source)
    manifest = verify_backup(source)
    connection = connections[using]
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            _("This is a backup of a %(backup)s database; this site uses %(site)s.")
            % {"backup": vendor, "site": connection.vendor}
        )
    if not force and (problems := _not_empty_problems(connection)):
        raise TargetNotEmpty(
            [
                *problems,
                _(
                    "Nothing was changed. Restore into a new, empty database and empty "
                    "storages, or use --force to replace what is there."
                ),
            ]
        )
    if connection.in_atomic_block:
        raise BackupError(_("A restore cannot run inside a database transaction."))
    dump = source / manifest["database"]["file"]
    if vendor == "postgresql":
        restore_postgresql(connection, dump, manifest["database"])
    else:
        restore_sqlite(connection, dump)
    ContentType.objects.clear_cache()
    found = current_row_counts(connection)
    expected = manifest["database"]["tables"]
    differing = sorted(t for t in expected if found.get(t) != expected[t])
    if differing:
        raise BackupError(
            _("The restored database does not hold the rows of the backup: %(tables)s")
            % {"tables": ", ".join(differing[:10])}
        )
    _restore_files(source, manifest, force=force)
    logger.info("backup restored from %s", source)
    return manifest


def _restore_files(source: Path, manifest: dict, *, force: bool) -> None:
    for alias in STORAGE_ALIASES:
        storage = storages[alias]
        if force:
            for name in list(storage_files(storage)):
                storage.delete(name)
        entries = [e for e in manifest["files"] if e.get("storage") == alias]
        for entry in entries:
            with open(source / entry["path"], "rb") as stream:
                saved = storage.save(entry["name"], File(stream, name=entry["name"]))
            if saved != entry["name"]:
                raise BackupError(
                    _("The storage %(alias)s saved %(name)s as %(saved)s.")
                    % {"alias": alias, "name": entry["name"], "saved": saved}
                )
        for entry in entries:  # read back: the storage holds what the backup holds
            with storage.open(entry["name"], "rb") as stream:
                if sha256_of(stream) != (entry["size"], entry["sha256"]):
                    raise BackupError(
                        _(
                            "%(name)s in the storage %(alias)s differs from the backup after "
                            "the restore."
                        )
                        % {"name": entry["name"], "alias": alias}
                    )
