"""Italian formats: Django's, with days written without a leading zero ("8 ottobre 2018").

Month and weekday names come from the translation catalogue; see distretto/catalogue_overrides.py
for why they are lowercase.
"""

from django.conf.locale.it.formats import *  # noqa: F403

DATE_FORMAT = "j F Y"  # 8 ottobre 2018
DATETIME_FORMAT = "j F Y, H:i"  # 8 ottobre 2018, 14:30
YEAR_MONTH_FORMAT = "F Y"  # ottobre 2018
MONTH_DAY_FORMAT = "j F"  # 8 ottobre
