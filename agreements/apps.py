from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements")

    def ready(self):
        from common.uploads import delete_files_with_rows

        delete_files_with_rows(self.get_model("Agreement"), "document")
