"""`backup` / `restore`: a backup brings every row and every file back, and a damaged one is
refused before anything is touched (SQLite and PostgreSQL alike)."""

import datetime as dt
import hashlib
import io
import json
import shutil

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.utils import translation

from distretto import backups
from distretto.demo import load_demo
from meetings.models import Meeting
from partners.models import Organization
from tests import factories
from tests.common.test_s3_storage import (  # noqa: F401 (fixtures)
    PRIVATE_BUCKET,
    PUBLIC_BUCKET,
    object_exists,
    on_s3,
    s3_endpoint,
)

PDF = factories.pdf_bytes()
LOGO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # the storages do not look inside

transactional = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module", autouse=True)
def _pg_tools(django_db_setup, django_db_blocker):
    """PostgreSQL needs pg_dump and pg_restore of the server's version (postgresql-client)."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            return
        connection.ensure_connection()
        major = connection.pg_version // 10000
    try:
        backups.find_pg_tool("pg_dump", major)
        backups.find_pg_tool("pg_restore", major)
    except backups.BackupError as error:
        pytest.skip(f"no usable PostgreSQL client tools: {error}")


@pytest.fixture(scope="module")
def pristine(django_db_setup, django_db_blocker, tmp_path_factory):
    """A backup of the database as `migrate` leaves it and of a public and a private file,
    made once: each test damages its own copy of it."""
    root = tmp_path_factory.mktemp("pristine")
    with (
        override_settings(MEDIA_ROOT=root / "media", PRIVATE_MEDIA_ROOT=root / "private"),
        django_db_blocker.unblock(),
    ):
        storages["default"].save("logos/alfa.png", ContentFile(LOGO))
        storages["private"].save("minutes/verbale.pdf", ContentFile(PDF))
        run("backup", root / "backup")
    return root / "backup"


@pytest.fixture
def backup_copy(pristine, tmp_path):
    copy = tmp_path / "backup"
    shutil.copytree(pristine, copy)
    return copy


def run(command, *args):
    out = io.StringIO()
    with translation.override("en"):  # the assertions read the English messages
        call_command(command, *[str(a) for a in args], stdout=out)
    return out.getvalue()


def refused(command, *args) -> str:
    with pytest.raises(CommandError) as error:
        run(command, *args)
    return str(error.value)


def table_rows() -> dict:
    """Every row of every table, in a stable order."""
    dump = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            dump[table] = sorted(cursor.fetchall(), key=repr)
    return dump


def stored_files() -> dict:
    """(storage, name) -> SHA-256 of every file in both storages."""
    found = {}
    for alias in backups.STORAGE_ALIASES:
        storage = storages[alias]
        for name in backups.storage_files(storage):
            with storage.open(name, "rb") as stream:
                found[(alias, name)] = hashlib.sha256(stream.read()).hexdigest()
    return found


def empty_storages():
    for alias in backups.STORAGE_ALIASES:
        for name in list(backups.storage_files(storages[alias])):
            storages[alias].delete(name)
    assert stored_files() == {}


def wipe():
    call_command("flush", interactive=False, verbosity=0)
    empty_storages()
    assert backups.data_tables_with_rows(connection) == {}


def small_site():
    """One organisation with a logo, one meeting with private minutes, one loose file."""
    organization = factories.make_organization("Organizzazione Alfa", slug="alfa")
    organization.logo.save("alfa.png", ContentFile(LOGO))
    meeting = factories.make_meeting()
    meeting.minutes_file.save("verbale.pdf", ContentFile(PDF))
    storages["default"].save("services/immagine è bella.png", ContentFile(b"image"))
    return organization, meeting


def make_backup(tmp_path, name="backup"):
    destination = tmp_path / name
    output = run("backup", destination)
    assert "Backup written to" in output
    return destination


def manifest_of(backup) -> dict:
    return json.loads((backup / "manifest.json").read_text())


def write_manifest(backup, manifest):
    (backup / "manifest.json").write_text(json.dumps(manifest))


def flip_a_byte(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


# --- The round trip -----------------------------------------------------------------------


@transactional
def test_the_demo_district_and_its_files_come_back_identical_after_a_wipe(tmp_path):
    load_demo()
    organization = Organization.objects.order_by("pk").first()
    organization.logo.save("logo.png", ContentFile(LOGO))
    meeting = Meeting.objects.order_by("pk").first()
    meeting.minutes_file.save("verbale.pdf", ContentFile(PDF))
    storages["private"].save("agreements/accordo firmato.pdf", ContentFile(PDF + b"%signed"))
    rows, files = table_rows(), stored_files()
    assert len(files) == 3

    backup = make_backup(tmp_path)
    manifest = manifest_of(backup)
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["tables"]["partners_organization"] == len(
        rows["partners_organization"]
    )
    assert manifest["storages"]["default"]["files"] == 1
    assert manifest["storages"]["private"]["files"] == 2
    assert {"created_at", "app_version", "django_version"} <= set(manifest)
    assert "is intact" in run("backup", "--verify", backup)

    wipe()
    output = run("restore", backup)

    assert "restored" in output
    assert table_rows() == rows
    assert stored_files() == files
    meeting.refresh_from_db()
    with meeting.minutes_file.open("rb") as stream:
        assert stream.read() == PDF


@transactional
def test_a_forced_restore_puts_back_exactly_the_backup(tmp_path):
    organization, _meeting = small_site()
    rows, files = table_rows(), stored_files()
    backup = make_backup(tmp_path)
    # Life goes on after the backup: a row changes, a file arrives, another one leaves.
    Organization.objects.filter(pk=organization.pk).update(name="Rinominata")
    factories.make_organization("Nuova")
    storages["default"].save("logos/nuovo.png", ContentFile(b"new"))
    storages["default"].delete("services/immagine è bella.png")

    run("restore", "--force", backup)

    assert table_rows() == rows
    assert stored_files() == files


@transactional
def test_a_database_just_created_without_any_table_is_restored_too(backup_copy):
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
            cursor.execute("PRAGMA foreign_keys = ON")
    assert connection.introspection.table_names() == []

    run("restore", backup_copy)

    assert set(connection.introspection.table_names()) == tables
    assert stored_files() == {
        ("default", "logos/alfa.png"): hashlib.sha256(LOGO).hexdigest(),
        ("private", "minutes/verbale.pdf"): hashlib.sha256(PDF).hexdigest(),
    }


# --- Refusals -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_restore_refuses_a_site_holding_data_and_changes_nothing(backup_copy):
    small_site()
    rows, files = table_rows(), stored_files()

    message = refused("restore", backup_copy)

    assert "The database is not empty" in message
    assert "partners_organization" in message
    assert "The storage default is not empty" in message
    assert "The storage private is not empty" in message
    assert "--force" in message
    assert table_rows() == rows
    assert stored_files() == files


@pytest.mark.django_db
def test_restore_refuses_when_only_a_storage_still_holds_files(backup_copy):
    storages["private"].save("minutes/rimasto.pdf", ContentFile(PDF))
    rows = table_rows()

    message = refused("restore", backup_copy)

    assert "The storage private is not empty: it holds minutes/rimasto.pdf" in message
    assert "database" not in message.split("\n")[0]
    assert table_rows() == rows


def corrupt_public_file(backup):
    flip_a_byte(backup / "files" / "default" / "logos" / "alfa.png")
    return "files/default/logos/alfa.png does not match its checksum"


def corrupt_private_file(backup):
    flip_a_byte(backup / "files" / "private" / "minutes" / "verbale.pdf")
    return "files/private/minutes/verbale.pdf does not match its checksum"


def corrupt_dump(backup):
    name = manifest_of(backup)["database"]["file"]
    flip_a_byte(backup / name)
    return f"{name} does not match its checksum"


def drop_a_manifest_entry(backup):
    manifest = manifest_of(backup)
    manifest["files"] = [e for e in manifest["files"] if e.get("name") != "logos/alfa.png"]
    manifest["storages"]["default"]["files"] -= 1
    manifest["storages"]["default"]["bytes"] -= len(LOGO)
    write_manifest(backup, manifest)
    return "files/default/logos/alfa.png is in the backup but not listed in the manifest"


def lose_a_file(backup):
    (backup / "files" / "private" / "minutes" / "verbale.pdf").unlink()
    return "files/private/minutes/verbale.pdf is listed in the manifest but missing"


def lose_the_manifest(backup):
    (backup / "manifest.json").unlink()
    return "has no manifest.json"


def truncate_the_manifest(backup):
    text = (backup / "manifest.json").read_text()
    (backup / "manifest.json").write_text(text[: len(text) // 2])
    return "manifest.json is damaged"


def point_outside_the_backup(backup):
    manifest = manifest_of(backup)
    entry = next(e for e in manifest["files"] if e.get("name") == "logos/alfa.png")
    entry.update(path="files/default/../../../outside.png", name="../../../outside.png")
    write_manifest(backup, manifest)
    return "The manifest names an invalid path: 'files/default/../../../outside.png'"


def replace_the_dump_keeping_the_manifest_in_step(backup):
    # Checksums alone cannot tell: the dump itself must be readable.
    manifest = manifest_of(backup)
    name = manifest["database"]["file"]
    garbage = b"not a database at all\n" * 100
    (backup / name).write_bytes(garbage)
    entry = next(e for e in manifest["files"] if e["path"] == name)
    entry.update(size=len(garbage), sha256=hashlib.sha256(garbage).hexdigest())
    write_manifest(backup, manifest)
    return "The database dump cannot be read" if name.endswith("pgdump") else "cannot be read"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "damage",
    [
        corrupt_public_file,
        corrupt_private_file,
        corrupt_dump,
        drop_a_manifest_entry,
        lose_a_file,
        lose_the_manifest,
        truncate_the_manifest,
        point_outside_the_backup,
        replace_the_dump_keeping_the_manifest_in_step,
    ],
)
def test_a_damaged_backup_is_refused_by_verify_and_by_restore(backup_copy, damage):
    rows = table_rows()
    expected = damage(backup_copy)

    assert expected in refused("backup", "--verify", backup_copy)
    assert expected in refused("restore", backup_copy)
    assert table_rows() == rows
    assert stored_files() == {}


def test_an_intact_backup_passes_verification(backup_copy):
    assert "is intact: 3 files checked" in run("backup", "--verify", backup_copy)


@pytest.mark.django_db
def test_backup_does_not_overwrite_an_existing_directory(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "something").write_text("keep me")

    message = refused("backup", tmp_path / "taken")

    assert "already exists and is not an empty directory" in message
    assert (tmp_path / "taken" / "something").read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]  # no half-written leftovers


def test_backup_needs_exactly_one_destination(tmp_path):
    assert "exactly one of" in refused("backup")
    assert "exactly one of" in refused("backup", tmp_path / "a", "--verify", tmp_path / "b")
    assert "go with --into" in refused("backup", tmp_path / "a", "--keep-daily", "7")


# --- A daily timer and its retention ------------------------------------------------------


def test_retention_keeps_the_newest_of_each_recent_day_and_week():
    start = dt.datetime(2026, 11, 1, 2, 30, tzinfo=dt.UTC)  # a Sunday
    names = [backups.dated_backup_name(start + dt.timedelta(days=d)) for d in range(30)]
    names.append(backups.dated_backup_name(start + dt.timedelta(days=29, hours=12)))
    names.append("distretto-manual-copy")

    pruned = backups.backups_to_prune(names, keep_daily=7, keep_weekly=4)

    kept = set(names) - set(pruned)
    # The newest of each of the last 7 days (Monday the 30th has two: the later one) ...
    daily = {"distretto-20261130T143000Z"} | {f"distretto-202611{d}T023000Z" for d in range(24, 30)}
    # ... the newest of each of the last 4 ISO weeks (two of them already among the days) ...
    weekly = {"distretto-20261122T023000Z", "distretto-20261115T023000Z"}
    # ... and whatever is not a dated backup.
    assert kept == daily | weekly | {"distretto-manual-copy"}


@pytest.mark.django_db
def test_a_dated_backup_prunes_the_old_ones_and_nothing_else(tmp_path):
    old = ["distretto-20200101T000000Z", "distretto-20200102T000000Z"]
    for name in old:
        (tmp_path / name).mkdir()
        (tmp_path / name / "manifest.json").write_text("{}")
    (tmp_path / "distretto-20190101T000000Z").mkdir()  # no manifest: not one of ours
    (tmp_path / "notes.txt").write_text("mine")

    output = run("backup", "--into", tmp_path, "--keep-daily", "2")

    names = sorted(p.name for p in tmp_path.iterdir())
    assert "distretto-20200101T000000Z" not in names
    assert "distretto-20200102T000000Z" in names
    assert "distretto-20190101T000000Z" in names and "notes.txt" in names
    assert "Deleted the old backup" in output
    newest = max(n for n in names if backups.DATED_NAME.match(n))
    assert "is intact" in run("backup", "--verify", tmp_path / newest)


# --- PostgreSQL specifics -----------------------------------------------------------------


def test_on_postgresql_the_dump_is_made_by_pg_dump_of_the_server_version(pristine):
    database = manifest_of(pristine)["database"]
    if database["vendor"] != "postgresql":
        pytest.skip("PostgreSQL only")
    assert database["file"] == "database.pgdump"
    assert (pristine / "database.pgdump").read_bytes()[:5] == b"PGDMP"  # custom format
    server_major = database["server_version"].split(".")[0]
    assert f"pg_dump (PostgreSQL) {server_major}." in database["tool"]


# --- Object storage -----------------------------------------------------------------------


@transactional
def test_uploads_on_object_storage_go_through_the_storage_api_both_ways(
    on_s3,  # noqa: F811 (the fixture)
    tmp_path,
):
    # Files only: the database stays as empty as `migrate` left it, so it needs no wipe.
    empty_storages()  # the buckets are shared by every S3 test of the session
    storages["default"].save("logos/alfa.png", ContentFile(LOGO))
    storages["private"].save("minutes/verbale.pdf", ContentFile(PDF))
    files = stored_files()
    backup = make_backup(tmp_path)
    assert (backup / "files" / "default" / "logos" / "alfa.png").read_bytes() == LOGO
    assert (backup / "files" / "private" / "minutes" / "verbale.pdf").read_bytes() == PDF

    empty_storages()
    run("restore", backup)

    assert stored_files() == files
    assert object_exists(on_s3, PRIVATE_BUCKET, "minutes/verbale.pdf")
    assert not object_exists(on_s3, PUBLIC_BUCKET, "minutes/verbale.pdf")


def test_a_backup_is_readable_by_its_owner_only(pristine):
    for path in [pristine, *pristine.rglob("*")]:
        assert path.stat().st_mode & 0o777 == (0o700 if path.is_dir() else 0o600), path
