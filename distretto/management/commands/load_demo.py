"""`python manage.py load_demo`: the real demo district (idempotent), see distretto/demo.py."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from distretto.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo district: the real organisations and agreements of the Distretto "
        "Family Audit di Trento, example services, meetings, programmes and demo accounts. "
        "Running it again changes nothing. Refuses to run with DEBUG off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo data even though DEBUG is off (never do this in production).",
        )

    def handle(self, *args, force=False, **options):
        # Developer-facing output is in English, like the README, whatever LANGUAGE_CODE says.
        with translation.override("en"):
            self.load_and_report(force=force)

    def load_and_report(self, *, force):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a production site, so the demo data and "
                "its accounts with a known password were not loaded. Use --force to load "
                "them anyway."
            )
        report = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo district loaded: {report.created} rows created, {report.updated} updated."
            )
        )
        rows = [("E-mail", "Role", "Organisation", "Affiliation")] + [
            (a.email, a.role, a.organization or "—", a.status or "—") for a in report.accounts
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write("Demo accounts:")
        for number, row in enumerate(rows):
            self.stdout.write(
                "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            )
            if number == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
        self.stdout.write("")
        self.stdout.write(
            "Password of every demo account (set when the account is created): " + DEMO_PASSWORD
        )
