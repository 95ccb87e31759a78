"""`python manage.py restore SRC`: a backup made by `backup`, into an empty site.

It verifies the backup first; it refuses a database or storage that holds data unless
--force. See distretto/backups/.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from distretto import backups


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into an empty database and empty storages, after "
        "checking every checksum. Refuses to overwrite data unless --force. Stop the app "
        "servers and the task worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="The backup directory.")
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Replace the database and the files even though they are not empty (the "
                "storages are left holding exactly the backup's files)."
            ),
        )

    def handle(self, *args, source, force=False, **options):
        try:
            manifest = backups.restore_backup(source, force=force)
        except backups.BackupError as error:
            raise CommandError("\n".join(error.problems)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Backup of %(when)s restored: %(rows)d rows in %(tables)d tables, "
                    "%(files)d files. If this release is newer than the backup, run "
                    "`python manage.py migrate` now."
                )
                % {
                    "when": manifest["created_at"],
                    "rows": sum(manifest["database"]["tables"].values()),
                    "tables": len(manifest["database"]["tables"]),
                    "files": len(manifest["files"]) - 1,
                }
            )
        )
