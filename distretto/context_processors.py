from django.conf import settings
from django.utils.functional import SimpleLazyObject

from partners.rules import coordinating_organization, is_referent


def site(request):
    """Values every template needs.

    `SITE_URL` is the canonical site address for absolute links. `site_contact` is the
    organisation holding the institutional role (the Comune di Trento), shown in the footer;
    it is lazy, so the query runs only on pages that print it. `user_is_referent` (lazy too)
    decides whether the header links to the partner area.
    """
    user = getattr(request, "user", None)
    return {
        "SITE_URL": settings.SITE_URL,
        "site_contact": SimpleLazyObject(coordinating_organization),
        "user_is_referent": SimpleLazyObject(lambda: is_referent(user)),
    }
