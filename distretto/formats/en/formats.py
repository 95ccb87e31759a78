"""English formats: British style on every English page, mail, admin screen and feed.

"19 March 2019", "20/11/2025", "19 March 2019, 14:30": day before month, 24-hour times.
Django's plain `en` is American ("March 19, 2019", "11/20/2025", "2:30 p.m."), and the
portal's English readers are in Europe; `en_GB` is close but abbreviates the month
("19 Mar 2019") and writes "2:30 p.m.".
"""

from django.conf.locale.en_GB.formats import *  # noqa: F403

DATE_FORMAT = "j F Y"  # 19 March 2019
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y, H:i"  # 19 March 2019, 14:30
YEAR_MONTH_FORMAT = "F Y"  # March 2019
MONTH_DAY_FORMAT = "j F"  # 19 March
SHORT_DATE_FORMAT = "d/m/Y"  # 20/11/2025
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 20/11/2025 14:30
FIRST_DAY_OF_WEEK = 1  # Monday
# Typed dates: day first, as shown; ISO too (what <input type="date"> sends).
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
]
