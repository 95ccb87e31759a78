"""Validators shared by the models of every app."""

import datetime

from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

#: A link shown to people must open a web page: no ftp://, no javascript:.
web_url_validator = URLValidator(
    schemes=["http", "https"],
    message=_("Enter a full web address starting with https:// (or http://)."),
)

#: No date of the district's records (certifications, memberships) is older than this.
EARLIEST_RECORD_DATE = datetime.date(1990, 1, 1)
