"""Who may work in the partner area, and for which organisation.

The partner area always acts for ONE organisation: the one stored in the session, checked
again on every request against the user's current referent affiliations, so a referent
who was demoted, or whose organisation left the district, loses access at once. The
organisation never comes from a form field or a URL.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control

from common.roles import COORDINATOR_GROUP
from partners.models import Affiliation, Organization

SESSION_KEY = "area_organization_id"


def is_coordinator(user) -> bool:
    """Staff of the Comune in the coordinator group (superusers count as coordinators)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not user.is_staff:
        return False
    cached = getattr(user, "_is_coordinator", None)
    if cached is None:
        cached = user.groups.filter(name=COORDINATOR_GROUP).exists()
        user._is_coordinator = cached
    return cached


def referent_organizations(user):
    """Active member organisations the user is currently a referent of."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.active().filter(
        affiliations__user=user,
        affiliations__role=Affiliation.Role.REFERENT,
        affiliations__status=Affiliation.Status.ACTIVE,
    )


def is_referent_of(user, organization) -> bool:
    return referent_organizations(user).filter(pk=organization.pk).exists()


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
