"""The partner area's screens for the organisation and its people (under /area-partner/).

Every view acts for `request.organization`, set by `require_referent` from the session and
checked against the user's current referent affiliations. Objects are always looked up
within that organisation, so another organisation's person is a 404. The services and
requests screens are in services/area_views.py; the `area` namespace is assembled in
distretto/area_urls.py.
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partners import actions as partner_actions
from partners.access import (
    SESSION_KEY,
    error_text,
    forbidden,
    page_of,
    require_login,
    require_referent,
    safe_next_url,
    set_current_organization,
)
from partners.forms import OrganizationProfileForm
from partners.models import Affiliation
from partners.rules import referent_organizations

# The member list shows this many people to re-approve, and the people who lapsed in the
# last LAPSED_SHOWN_FOR (at most LAPSED_SHOWN): a fixed number of queries and rows.
REAPPROVAL_SHOWN = 100
LAPSED_SHOWN = 50
LAPSED_SHOWN_FOR = timedelta(days=365)

# --- Organisation ---


@require_http_methods(["GET", "HEAD", "POST"])
@require_referent
def organization_edit(request):
    organization = request.organization
    if request.method == "POST":
        form = OrganizationProfileForm(request.POST, request.FILES, instance=organization)
        if form.is_valid():
            partner_actions.organization_update_profile(
                organization=organization, data=form.cleaned_data, actor=request.user
            )
            messages.success(request, _("The public profile has been saved."))
            return redirect("area:organization-edit")
        # The bound form put the rejected values on the instance: show the stored ones.
        organization.refresh_from_db()
    else:
        form = OrganizationProfileForm(instance=organization)
    return render(request, "area/organization_form.html", {"form": form})


class OrganizationChoiceForm(forms.Form):
    organization = forms.IntegerField(min_value=1, max_value=2**31 - 1)


@require_http_methods(["GET", "HEAD", "POST"])
@require_login
def organization_switch(request):
    """Pick the organisation to work for, among those the user is currently referent of."""
    organizations = list(referent_organizations(request.user).order_by("name"))
    if not organizations:
        return forbidden(request)
    next_url = safe_next_url(request, reverse("area:dashboard"))
    error = ""
    if request.method == "POST":
        form = OrganizationChoiceForm(request.POST)
        chosen = form.cleaned_data["organization"] if form.is_valid() else None
        match = next((o for o in organizations if o.pk == chosen), None)
        if match is not None:
            set_current_organization(request, match)
            messages.success(request, _("You are now working for %(name)s.") % {"name": match.name})
            return redirect(next_url)
        error = _("Choose one of your organisations.")
    return render(
        request,
        "area/organization_switch.html",
        {
            "organizations": organizations,
            "current_id": request.session.get(SESSION_KEY),
            "next_url": next_url,
            "error": error,
        },
        status=400 if error else 200,
    )


# --- People ---------------------------------------------------------------------------------


class MemberFilterForm(forms.Form):
    role = forms.ChoiceField(required=False, choices=[("", ""), *Affiliation.Role.choices])


@require_safe
@require_referent
def member_list(request):
    organization = request.organization
    members = (
        Affiliation.objects.current()
        .filter(organization=organization)
        .select_related("user")
        .order_by(
            # Referents first, then everybody by e-mail address.
            F("role").desc(),
            "user__email",
            "pk",
        )
    )
    role_filter = MemberFilterForm(request.GET)
    role = role_filter.cleaned_data["role"] if role_filter.is_valid() else ""
    if role:
        members = members.filter(role=role)
    pending = (
        Affiliation.objects.pending()
        .filter(organization=organization)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    pending_page = page_of(request, pending, parameter="pending_page")
    page_obj = page_of(request, members)
    referent_count = Affiliation.objects.referents().filter(organization=organization).count()
    # This year's confirmations the referents give (approved people), and who lapsed lately.
    to_reapprove = list(
        Affiliation.objects.awaiting_reconfirmation()
        .filter(organization=organization)
        .exclude(verified_via=Affiliation.VerifiedVia.EMAIL_DOMAIN)
        .select_related("user")
        .order_by("user__email", "pk")[:REAPPROVAL_SHOWN]
    )
    lapsed = list(
        Affiliation.objects.lapsed()
        .filter(organization=organization, ended_at__gte=timezone.now() - LAPSED_SHOWN_FOR)
        .select_related("user")
        .order_by("-ended_at", "pk")[:LAPSED_SHOWN]
    )
    return render(
        request,
        "area/member_list.html",
        {
            "page_obj": page_obj,
            "members": page_obj.object_list,
            "pending_page": pending_page,
            "pending": pending_page.object_list,
            "referent_count": referent_count,
            "to_reapprove": to_reapprove,
            "lapsed": lapsed,
            "role": role,
            "role_choices": Affiliation.Role.choices,
        },
    )


def _member(request, pk, **filters):
    return get_object_or_404(
        Affiliation.objects.select_related("user", "organization"),
        pk=pk,
        organization=request.organization,
        **filters,
    )


def _run(request, action, affiliation, success_message, **kwargs):
    try:
        action(affiliation=affiliation, actor=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return False
    except PermissionDenied as error:
        # The session's organisation is re-checked per request, so this is a race at most.
        raise Http404 from error
    messages.success(request, success_message % {"person": affiliation.user.email})
    return True


@require_POST
@require_referent
def member_promote(request, pk):
    affiliation = _member(request, pk, status=Affiliation.Status.ACTIVE)
    _run(
        request,
        partner_actions.referent_promote,
        affiliation,
        _("%(person)s is now a referent of your organisation."),
    )
    return redirect(safe_next_url(request, reverse("area:member-list")))


@require_POST
@require_referent
def member_demote(request, pk):
    affiliation = _member(request, pk, status=Affiliation.Status.ACTIVE)
    done = _run(
        request,
        partner_actions.referent_demote,
        affiliation,
        _("%(person)s is no longer a referent of your organisation."),
    )
    if done and affiliation.user_id == request.user.pk:
        # Those who step down themselves have left the partner area of this organisation.
        return redirect("home")
    return redirect(safe_next_url(request, reverse("area:member-list")))


@require_POST
@require_referent
def member_reapprove(request, pk):
    affiliation = _member(request, pk, status=Affiliation.Status.ACTIVE)
    _run(
        request,
        partner_actions.affiliation_reapprove,
        affiliation,
        _("%(person)s is confirmed as an employee of your organisation for another year."),
    )
    return redirect(safe_next_url(request, reverse("area:member-list")))


@require_POST
@require_referent
def affiliation_approve(request, pk):
    affiliation = _member(request, pk, status=Affiliation.Status.PENDING)
    _run(
        request,
        partner_actions.affiliation_approve,
        affiliation,
        _("%(person)s is now a verified employee of your organisation."),
    )
    return redirect(safe_next_url(request, reverse("area:member-list")))


class RejectionForm(forms.Form):
    reason = forms.CharField(required=False, max_length=1000)


@require_POST
@require_referent
def affiliation_reject(request, pk):
    affiliation = _member(request, pk, status=Affiliation.Status.PENDING)
    form = RejectionForm(request.POST)
    if not form.is_valid():
        # Nothing is rejected on a reason that cannot be sent: say why instead.
        messages.error(request, " ".join(form.errors["reason"]))
        return redirect(safe_next_url(request, reverse("area:member-list")))
    _run(
        request,
        partner_actions.affiliation_reject,
        affiliation,
        _("The request of %(person)s has been rejected."),
        reason=form.cleaned_data["reason"],
    )
    return redirect(safe_next_url(request, reverse("area:member-list")))
