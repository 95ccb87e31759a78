from django.conf import settings
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html

from common.page_cache import cached
from partners.rules import coordinating_organization, is_referent


def _institutional_contact():
    # On every page's footer: kept in the cache until something public changes.
    return cached(("site-contact",), coordinating_organization)


def site(request):
    """Values every template needs.

    `SITE_URL` is the canonical site address for absolute links. `site_contact` is the
    organisation holding the institutional role (the Comune di Trento), shown in the footer;
    it is lazy, so the query runs only on pages that print it. `user_is_referent` (lazy too)
    decides whether the header links to the partner area.

    `written_lang` goes inside the opening tag of an element holding what people wrote
    (service descriptions, agreement titles...): on pages in another language than the
    site's it is ` lang="it"`, so that screen readers read that text as Italian.
    """
    user = getattr(request, "user", None)
    page_language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return {
        "written_lang": format_html(' lang="{}"', settings.LANGUAGE_CODE)
        if page_language != settings.LANGUAGE_CODE
        else "",
        "SITE_URL": settings.SITE_URL,
        "site_contact": SimpleLazyObject(_institutional_contact),
        "user_is_referent": SimpleLazyObject(lambda: is_referent(user)),
    }
