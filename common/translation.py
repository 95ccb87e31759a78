"""The district's own vocabulary in the reader's language.

The names the portal defines and shows as labels (service categories, audiences, working
groups, the programme's heading) are rows the coordinator edits, so gettext cannot
translate them: each has its Italian field (``name``) and an English one (``name_en``),
edited side by side in the admin. What people write (service descriptions, agreement
titles) has no second field: it stays as written, marked ``lang="it"`` on English pages.
"""

from django.conf import settings
from django.utils import translation


def in_reader_language(obj, field: str) -> str:
    """``obj.<field>_<language>`` on pages in another language than the site's, when it is
    filled in; else the site-language ``obj.<field>``."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language != settings.LANGUAGE_CODE:
        translated = getattr(obj, f"{field}_{language}", "")
        if translated:
            return translated
    return getattr(obj, field)


def reader_text(site_text: str, **translations: str) -> str:
    """``translations[<page language>]`` when filled in, else ``site_text``: for values read
    without their model, e.g. ``reader_text(name, en=name_en)``."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return translations.get(language) or site_text
