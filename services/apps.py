from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Welfare services")

    def ready(self):
        from common.uploads import delete_files_with_rows

        delete_files_with_rows(self.get_model("WelfareService"), "image")
