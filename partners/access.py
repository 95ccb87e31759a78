"""Who may work in the partner area, and for which organisation.

The partner area always acts for ONE organisation: the one stored in the session, checked
again on every request against the user's current referent affiliations, so a referent
who was demoted, or whose organisation left the district, loses access at once. The
organisation never comes from a form field or a URL.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control

from common.forms import local_next, page_number
from partners.models import Organization
from partners.rules import (  # noqa: F401  (the rules, re-exported for callers of access)
    is_coordinator,
    is_referent_of,
    referent_organizations,
)

SESSION_KEY = "area_organization_id"


class OrganizationChoiceRequired(Exception):
    """The user is referent of several organisations and has not picked one yet."""


class NotAReferent(Exception):
    """The user is not a current referent of any active organisation."""


def get_current_organization(request) -> Organization:
    """The organisation the referent is working for in this session.

    Raises NotAReferent (the caller answers 403) or OrganizationChoiceRequired (the caller
    shows the chooser). A stale choice in the session is dropped, never trusted.
    """
    organizations = list(referent_organizations(request.user).order_by("name"))
    request.referent_organizations = organizations
    if not organizations:
        request.session.pop(SESSION_KEY, None)
        raise NotAReferent
    chosen_id = request.session.get(SESSION_KEY)
    for organization in organizations:
        if organization.pk == chosen_id:
            return organization
    if chosen_id is not None:
        request.session.pop(SESSION_KEY, None)
    if len(organizations) == 1:
        return organizations[0]
    raise OrganizationChoiceRequired


def set_current_organization(request, organization: Organization) -> None:
    request.session[SESSION_KEY] = organization.pk


def current_organization_or_none(request) -> Organization | None:
    """The organisation the user works for in this session, or None (no choice, no referent)."""
    try:
        return get_current_organization(request)
    except (NotAReferent, OrganizationChoiceRequired):
        return None


PAGE_SIZE = 20


def page_of(request, queryset, *, parameter: str = "page") -> Page:
    """One page of a list; a missing or nonsensical page number gives the first or last."""
    return Paginator(queryset, PAGE_SIZE).get_page(
        page_number({"page": request.GET.get(parameter)})
    )


def safe_next_url(request, default: str) -> str:
    """Where to go back after a POST: a local `next` field (form, then query), or `default`."""
    return local_next(request, request.POST) or local_next(request, request.GET) or default


def error_text(error: ValidationError) -> str:
    """An action's refusal as one sentence for a message."""
    return " ".join(error.messages)


def forbidden(request):
    """403 with a page that explains who the partner area is for and whom to ask."""
    response = render(request, "area/forbidden.html", status=403)
    return private(response)


def private(response):
    """Pages of the partner area are personal: no shared caches, no search engines."""
    patch_cache_control(response, private=True, no_cache=True, max_age=0)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def require_login(view):
    """Anonymous visitors go to the login page and come back afterwards."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return private(view(request, *args, **kwargs))

    return wrapper


def require_referent(view):
    """Let through only current referents; set request.organization from the session.

    Anonymous -> login page; not a referent of an active organisation -> 403 (this
    includes the coordinator, who works from the admin); several organisations and no
    choice yet -> the chooser, coming back here afterwards.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            request.organization = get_current_organization(request)
        except NotAReferent:
            return forbidden(request)
        except OrganizationChoiceRequired:
            # After a POST the form is lost anyway: come back to the page, not the action.
            back = request.get_full_path() if request.method == "GET" else ""
            chooser = reverse("area:organization-switch")
            if back:
                chooser = f"{chooser}?{urlencode({'next': back})}"
            return private(redirect(chooser))
        return private(view(request, *args, **kwargs))

    return wrapper
