"""The back office only for accounts protected by a second factor (settings.ADMIN_REQUIRE_MFA).

Staff accounts can change everything the portal shows: a guessed or phished password alone
must not be enough. With the setting on, a staff member who has not yet activated an
authenticator app or a security key is sent from any admin page to the page that enrols one.
"""

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# Signing out must stay possible without a second factor.
OPEN_ADMIN_URLS = {"logout"}


def admin_requires_mfa(user) -> bool:
    """A staff account must enrol a second factor before using the admin (when required)."""
    return (
        getattr(settings, "ADMIN_REQUIRE_MFA", False)
        and user.is_authenticated
        and user.is_staff
        and not is_mfa_enabled(user)
    )


class AdminRequiresMFAMiddleware:
    """Send staff without a second factor from the admin to the two-factor page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.app_name != "admin" or match.url_name in OPEN_ADMIN_URLS:
            return None
        if not admin_requires_mfa(request.user):
            return None
        messages.warning(
            request,
            _(
                "The back office is open only to accounts protected by two-factor "
                "authentication. Activate an authenticator app or add a security key, "
                "then open the back office again."
            ),
        )
        return redirect("mfa_index")
