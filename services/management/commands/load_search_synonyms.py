"""`python manage.py load_search_synonyms`: add the groups of services/search_synonyms.toml."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from services.models import SynonymGroup
from services.thesaurus import load_file_into


class Command(BaseCommand):
    help = (
        "Add to the search synonyms the groups of services/search_synonyms.toml that the "
        "database does not have yet (matched by name). Groups already there, perhaps edited "
        "by the coordinator, are left as they are."
    )

    def handle(self, *args, **options):
        added = load_file_into(SynonymGroup)
        self.stdout.write(_("Synonym groups added: %(count)s.") % {"count": added})
