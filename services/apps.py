from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def register_sqlite_functions(sender, connection, **kwargs):
    """``distretto_fold(text)`` on SQLite: the search's accent- and case-folding."""
    if connection.vendor == "sqlite":
        from .thesaurus import fold

        connection.connection.create_function(
            "distretto_fold", 1, lambda text: None if text is None else fold(text),
            deterministic=True,
        )  # fmt: skip


def seed_synonyms_when_empty(sender, using="default", **kwargs):
    """post_migrate: an emptied table (a test-database flush) gets the file's synonyms back."""
    from .models import SynonymGroup
    from .thesaurus import load_file_into

    if not SynonymGroup.objects.using(using).exists():
        load_file_into(SynonymGroup)


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Welfare services")

    def ready(self):
        from common.uploads import delete_files_with_rows

        delete_files_with_rows(self.get_model("WelfareService"), "image")
        connection_created.connect(register_sqlite_functions)
        post_migrate.connect(seed_synonyms_when_empty, sender=self)
