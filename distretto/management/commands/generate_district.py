"""`python manage.py generate_district`: a large generated district for load tests."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from distretto.generate import generate_district, real_data_present


def _count(value: str) -> int:
    number = int(value)
    if number < 0 or number > 2_000_000:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Generate a district for load tests: organisations, welfare services and people in "
        "every visibility case, written in bulk. Refuses a database holding anything it did "
        "not generate (the demo district, a real site) unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organizations", type=_count, default=2000)
        parser.add_argument("--services", type=_count, default=50000)
        parser.add_argument("--users", type=_count, default=200000)
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same district.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add generated data even to a database holding real data (never in production).",
        )

    def handle(self, *args, organizations, services, users, seed, force, **options):
        if real_data_present() and not force:
            raise CommandError(
                _(
                    "This database holds organisations or accounts that were not generated: "
                    "nothing was written. Use an empty database, or --force to add generated "
                    "data anyway."
                )
            )
        if services and not organizations and not real_data_present():
            from partners.models import Organization

            if not Organization.objects.exists():
                raise CommandError(_("Services need organisations: add --organizations."))
        verbosity = options.get("verbosity", 1)
        report = generate_district(
            organizations=organizations,
            services=services,
            users=users,
            seed=seed,
            log=self.stdout.write if verbosity > 1 else None,
        )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Generated %(orgs)d organisations, %(services)d services, %(users)d users "
                    "and %(affiliations)d affiliations in %(seconds).1f s."
                )
                % {
                    "orgs": report.organizations,
                    "services": report.services,
                    "users": report.users,
                    "affiliations": report.affiliations,
                    "seconds": report.seconds,
                }
            )
        )
