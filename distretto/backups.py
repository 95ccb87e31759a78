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
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import posixpath
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from urllib.request import pathname2url

import django
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from common.private_files import PRIVATE_STORAGE_ALIAS

logger = logging.getLogger(__name__)

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
    }
)
#: A restore waits this long for a table lock (app servers still running) and then gives up.
RESTORE_LOCK_TIMEOUT_MS = 30_000
DATED_NAME = re.compile(r"^distretto-(\d{8}T\d{6}Z)$")
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


@dataclass(frozen=True)
class PgTool:
    path: str
    version: str
    major: int


# --- Files ------------------------------------------------------------------------------------


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


def _sha256_of(stream) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def _sha256_of_path(path: Path) -> tuple[int, str]:
    with open(path, "rb") as stream:
        return _sha256_of(stream)


def _copy_out(storage, name: str, target: Path) -> tuple[int, str] | None:
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


def _safe_relative(path: str) -> bool:
    """A manifest path stays inside the backup directory."""
    pure = PurePosixPath(path)
    return bool(path) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in path


# --- PostgreSQL tools -------------------------------------------------------------------------


def _tool_version(path: str) -> tuple[str, int] | None:
    try:
        output = subprocess.run(
            [path, "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+)(?:\.\d+)*", output)
    return (output, int(match.group(1))) if match else None


def find_pg_tool(name: str, server_major: int | None) -> PgTool:
    """``pg_dump`` or ``pg_restore``, preferably of the server's major version.

    Debian keeps every installed major in /usr/lib/postgresql/<major>/bin; an older major
    than the server's cannot read what the server (or a newer pg_dump) writes.
    """
    candidates = []
    if server_major:
        candidates.append(f"/usr/lib/postgresql/{server_major}/bin/{name}")
    installed = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
        reverse=True,
    )
    candidates += [str(p) for p in installed]
    if found := shutil.which(name):
        candidates.append(found)
    too_old = []
    for path in dict.fromkeys(candidates):
        if not os.access(path, os.X_OK) or (version := _tool_version(path)) is None:
            continue
        if server_major and version[1] < server_major:
            too_old.append(version[0])
            continue
        return PgTool(path=path, version=version[0], major=version[1])
    if too_old:
        raise BackupError(
            _(
                "%(tool)s is older than the PostgreSQL server (%(major)s): found %(found)s. "
                "Install the client of the same version (Debian: postgresql-client-%(major)s)."
            )
            % {"tool": name, "major": server_major, "found": ", ".join(too_old)}
        )
    raise BackupError(
        _("%(tool)s was not found: install the PostgreSQL client (Debian: postgresql-client).")
        % {"tool": name}
    )


def _pg_environment(settings_dict: dict, *, lock_timeout_ms: int | None = None) -> dict:
    """The libpq environment for the database in ``settings_dict`` (password never in argv)."""
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey", "passfile", "service"):
        if options.get(option):
            env[f"PG{option.upper()}"] = str(options[option])
    if lock_timeout_ms is not None:
        env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} -c lock_timeout={lock_timeout_ms}".strip()
    return env


def _run(command: list[str], *, env: dict | None = None, what: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise BackupError(
            _("%(what)s failed (exit %(code)d): %(detail)s")
            % {"what": what, "code": result.returncode, "detail": " | ".join(detail)}
        )
    return result.stdout


def _conninfo_dbname(name: str) -> str:
    escaped = name.replace("\\", "\\\\").replace("'", "\\'")
    return f"dbname='{escaped}'"


# --- Database ---------------------------------------------------------------------------------


def _quote(connection, table: str) -> str:
    return connection.ops.quote_name(table)


def _row_counts(connection, cursor) -> dict[str, int]:
    tables = connection.introspection.table_names(cursor)
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(connection, table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def _latest_migrations(counts: dict, cursor) -> dict[str, str]:
    if "django_migrations" not in counts:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    latest = {}
    for app, name in cursor.fetchall():
        latest[app] = name
    return latest


def _dump_postgresql(connection, target: Path) -> dict:
    connection.ensure_connection()
    server_major = connection.pg_version // 10000
    pg_dump = find_pg_tool("pg_dump", server_major)
    # A second session exports its snapshot: pg_dump dumps exactly what it counted.
    session = connection.copy()
    try:
        session.ensure_connection()
        session.set_autocommit(False)
        with session.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _row_counts(session, cursor)
            migrations = _latest_migrations(counts, cursor)
            cursor.execute("SHOW server_version")
            server_version = cursor.fetchone()[0]
        _run(
            [
                pg_dump.path,
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ],
            env=_pg_environment(session.settings_dict),
            what="pg_dump",
        )
    finally:
        try:
            session.rollback()
        finally:
            session.close()
    return {
        "vendor": "postgresql",
        "server_version": server_version,
        "format": "pg_dump custom",
        "tool": pg_dump.version,
        "tables": counts,
        "migrations": migrations,
    }


def _sqlite_uri(path: Path) -> str:
    return f"file:{pathname2url(str(path.resolve()))}?mode=ro"


# The tables Django's introspection sees (SQLite's own, such as sqlite_sequence, left out).
SQLITE_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
    "ESCAPE '\\' ORDER BY name"
)


def _dump_sqlite(connection, target: Path) -> dict:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    with open(target, "rb+") as stream:
        os.fsync(stream.fileno())
    copy = sqlite3.connect(_sqlite_uri(target), uri=True)
    try:
        cursor = copy.cursor()
        cursor.execute(SQLITE_TABLES)
        counts = {}
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        migrations = _latest_migrations(counts, cursor)
        server_version = sqlite3.sqlite_version
    finally:
        copy.close()
    return {
        "vendor": "sqlite",
        "server_version": server_version,
        "format": "sqlite3 database (online-backup API)",
        "tool": f"sqlite {sqlite3.sqlite_version}",
        "tables": counts,
        "migrations": migrations,
    }


def _dump_database(connection, target: Path) -> dict:
    if connection.vendor == "postgresql":
        return _dump_postgresql(connection, target)
    if connection.vendor == "sqlite":
        return _dump_sqlite(connection, target)
    raise BackupError(
        _("Backups support PostgreSQL and SQLite, not %(vendor)s.") % {"vendor": connection.vendor}
    )


def current_row_counts(connection) -> dict[str, int]:
    with connection.cursor() as cursor:
        return _row_counts(connection, cursor)


def data_tables_with_rows(connection) -> dict[str, int]:
    """The tables holding rows other than those `migrate` fills by itself."""
    model_tables = set(connection.introspection.django_table_names(only_existing=True))
    counts = current_row_counts(connection)
    return {
        table: rows
        for table, rows in counts.items()
        if rows and table in model_tables and table not in STRUCTURE_TABLES
    }


# --- Making a backup --------------------------------------------------------------------------


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
            if not _safe_relative(name):
                raise BackupError(
                    _("The storage %(alias)s holds a file with an unsafe name: %(name)r.")
                    % {"alias": alias, "name": name}
                )
            relative = f"{FILES_DIRECTORY}/{alias}/{name}"
            copied = _copy_out(storage, name, directory / relative)
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
        database = _dump_database(connection, work / database_file)
        database["file"] = database_file
        _copy_storages(work, files)  # uploaded while the database was dumped
        size, sha256 = _sha256_of_path(work / database_file)
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


# --- Verifying --------------------------------------------------------------------------------


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
        if not _safe_relative(path) or path == MANIFEST:
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
        size, sha256 = _sha256_of_path(file)
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
            or not _safe_relative(name)
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


def _check_sqlite(path: Path, tables: dict) -> list[str]:
    try:
        copy = sqlite3.connect(_sqlite_uri(path), uri=True)
        try:
            cursor = copy.cursor()
            result = cursor.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                return [_("The database copy is damaged: %(detail)s") % {"detail": result[:3]}]
            found = {}
            for (table,) in cursor.execute(SQLITE_TABLES).fetchall():
                found[table] = cursor.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        finally:
            copy.close()
    except sqlite3.Error as error:
        return [_("The database copy cannot be read: %(error)s") % {"error": error}]
    if found != tables:
        return [_("The database copy does not hold the rows the manifest counts.")]
    return []


def _check_pgdump(path: Path, database: dict) -> list[str]:
    major = re.match(r"\d+", str(database.get("server_version", "")))
    try:
        pg_restore = find_pg_tool("pg_restore", int(major.group()) if major else None)
        listing = _run([pg_restore.path, "--list", str(path)], what="pg_restore --list")
        # Reads every block of the archive (all the data), writing the SQL nowhere.
        _run([pg_restore.path, f"--file={os.devnull}", str(path)], what="pg_restore")
    except BackupError as error:
        return [_("The database dump cannot be read: %(error)s") % {"error": error}]
    dumped = set(re.findall(r"^\d+; \d+ \d+ TABLE DATA \S+ (\S+) ", listing, re.MULTILINE))
    if dumped != set(database["tables"]):
        missing = sorted(set(database["tables"]) - dumped)
        return [
            _("The database dump lacks tables the manifest counts: %(tables)s")
            % {"tables": ", ".join(missing) or "—"}
        ]
    return []


def verify_backup(source) -> dict:
    """Check every checksum, the manifest and the dump; return the manifest or raise."""
    source = Path(source)
    manifest = _load_manifest(source)
    problems = _check_files(source, manifest)
    if not problems:  # reading a dump already known to be damaged says nothing new
        database = manifest["database"]
        dump = source / database["file"]
        if database["vendor"] == "sqlite":
            problems += _check_sqlite(dump, database["tables"])
        else:
            problems += _check_pgdump(dump, database)
    if problems:
        raise BackupInvalid(problems)
    return manifest


# --- Restoring --------------------------------------------------------------------------------


def _restore_postgresql(connection, dump: Path, database: dict) -> None:
    connection.ensure_connection()
    major = re.match(r"\d+", str(database.get("server_version", "")))
    pg_restore = find_pg_tool(
        "pg_restore", max(connection.pg_version // 10000, int(major.group()) if major else 0)
    )
    # One transaction: it either restores everything or changes nothing. --clean drops each
    # object of the dump first (a migrated but empty database), --if-exists keeps quiet about
    # the ones that are not there (a database just created).
    _run(
        [
            pg_restore.path,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={_conninfo_dbname(connection.settings_dict['NAME'])}",
            str(dump),
        ],
        env=_pg_environment(connection.settings_dict, lock_timeout_ms=RESTORE_LOCK_TIMEOUT_MS),
        what="pg_restore",
    )


def _restore_sqlite(connection, dump: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(_sqlite_uri(dump), uri=True)
    try:
        source.backup(connection.connection)
    except sqlite3.Error as error:
        raise BackupError(
            _("The database could not be replaced (%(error)s): stop the app servers first.")
            % {"error": error}
        ) from error
    finally:
        source.close()


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
        _restore_postgresql(connection, dump, manifest["database"])
    else:
        _restore_sqlite(connection, dump)
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
                if _sha256_of(stream) != (entry["size"], entry["sha256"]):
                    raise BackupError(
                        _(
                            "%(name)s in the storage %(alias)s differs from the backup after "
                            "the restore."
                        )
                        % {"name": entry["name"], "alias": alias}
                    )


# --- A dated backup every day, and retention --------------------------------------------------


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
