"""The database part of a backup: pg_dump / pg_restore on PostgreSQL, the online-backup API on
SQLite; row counts, the check that a dump reads, and "is this database empty"."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.request import pathname2url

from django.utils.translation import gettext as _

from distretto.backups.base import RESTORE_LOCK_TIMEOUT_MS, STRUCTURE_TABLES, BackupError


@dataclass(frozen=True)
class PgTool:
    path: str
    version: str
    major: int


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


def dump_database(connection, target: Path) -> dict:
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


def check_sqlite(path: Path, tables: dict) -> list[str]:
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


def check_pgdump(path: Path, database: dict) -> list[str]:
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


def restore_postgresql(connection, dump: Path, database: dict) -> None:
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


def restore_sqlite(connection, dump: Path) -> None:
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
