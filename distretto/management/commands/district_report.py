"""`python manage.py district_report --year 2026 --output report.pdf`: the yearly report.

The format follows the output's extension: .pdf (text, tables and charts), .xlsx or .ods
(the tables, one sheet each). `--language en` writes it in English (default Italian).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from distretto import report
from services.balance import selectable_years


class Command(BaseCommand):
    help = (
        "Write the district's yearly report (members and Family Audit phases, agreements, "
        "meetings and attendance, the work programme, services and requests) as a PDF, "
        "or its tables as an .xlsx or .ods spreadsheet."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="The year to report on.")
        parser.add_argument(
            "--output",
            required=True,
            help="File to write; its extension (.pdf, .xlsx, .ods) chooses the format.",
        )
        parser.add_argument(
            "--language",
            default="it",
            choices=[code for code, _name in settings.LANGUAGES],
            help="Language of the report (default: it).",
        )

    def handle(self, *args, year, output, language, **options):
        years = selectable_years()
        if year not in years:
            raise CommandError(
                _("Choose a year between %(first)d and %(last)d.")
                % {"first": years[-1], "last": years[0]}
            )
        path = Path(output)
        file_format = path.suffix.lower().lstrip(".")
        if file_format not in report.FORMATS:
            raise CommandError(
                _("The output must end in .pdf, .xlsx or .ods (not %(name)s).")
                % {"name": path.name}
            )
        produced = report.produce(year, file_format, language)
        path.write_bytes(produced.content)
        self.stdout.write(
            _("Wrote the %(year)d report to %(path)s (%(size)d bytes).")
            % {"year": year, "path": path, "size": len(produced.content)}
        )
