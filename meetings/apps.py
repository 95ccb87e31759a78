from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Working group and programme")

    def ready(self):
        from common.uploads import delete_files_with_rows

        delete_files_with_rows(self.get_model("Meeting"), "minutes_file")
