"""`python manage.py backup DEST`: the database and both storages, with a manifest of checksums.

Also `backup --verify SRC` (check a backup without restoring it) and `backup --into DIR
--keep-daily 7 --keep-weekly 4` (a dated backup in DIR, older ones pruned), see
distretto/backups/.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from distretto import backups


class Command(BaseCommand):
    help = (
        "Write a backup of the database (pg_dump on PostgreSQL, the online-backup API on "
        "SQLite) and of every public and private uploaded file to a new directory, with a "
        "manifest of SHA-256 checksums. --verify checks an existing backup instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "destination", nargs="?", help="New (or empty) directory to write the backup to."
        )
        parser.add_argument(
            "--verify",
            metavar="SRC",
            help="Check the backup in SRC (every checksum, the manifest, the dump) and exit.",
        )
        parser.add_argument(
            "--into",
            metavar="DIR",
            help="Write the backup to DIR/distretto-<UTC time> (for a daily timer).",
        )
        parser.add_argument(
            "--keep-daily",
            type=int,
            metavar="N",
            help="With --into: keep the newest backup of each of the last N days ...",
        )
        parser.add_argument(
            "--keep-weekly",
            type=int,
            default=0,
            metavar="N",
            help="... and of each of the last N weeks; delete the other dated backups in DIR.",
        )

    def handle(self, *args, destination=None, verify=None, into=None, **options):
        keep_daily, keep_weekly = options["keep_daily"], options["keep_weekly"]
        if sum(bool(value) for value in (destination, verify, into)) != 1:
            raise CommandError(_("Give exactly one of DEST, --verify SRC or --into DIR."))
        if (keep_daily is not None or keep_weekly) and not into:
            raise CommandError(_("--keep-daily and --keep-weekly go with --into DIR."))
        if keep_weekly and keep_daily is None:
            raise CommandError(_("--keep-weekly needs --keep-daily as well."))
        if keep_daily is not None and keep_daily < 1 or keep_weekly < 0:
            raise CommandError(_("--keep-daily must be at least 1, --keep-weekly at least 0."))
        try:
            if verify:
                manifest = backups.verify_backup(verify)
                self.stdout.write(
                    self.style.SUCCESS(
                        _("Backup %(path)s is intact: %(files)d files checked, made %(when)s.")
                        % {
                            "path": verify,
                            "files": len(manifest["files"]),
                            "when": manifest["created_at"],
                        }
                    )
                )
                return
            if into:
                destination, manifest, pruned = backups.create_dated_backup(
                    into, keep_daily=keep_daily, keep_weekly=keep_weekly
                )
                for path in pruned:
                    self.stdout.write(_("Deleted the old backup %(path)s.") % {"path": path})
            else:
                manifest = backups.create_backup(destination)
        except backups.BackupError as error:
            raise CommandError("\n".join(error.problems)) from error
        storages = manifest["storages"]
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Backup written to %(path)s: %(rows)d rows in %(tables)d tables, "
                    "%(public)d public and %(private)d private files."
                )
                % {
                    "path": destination,
                    "rows": sum(manifest["database"]["tables"].values()),
                    "tables": len(manifest["database"]["tables"]),
                    "public": storages["default"]["files"],
                    "private": storages["private"]["files"],
                }
            )
        )
