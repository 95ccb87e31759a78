"""The person's profile page (/account/profilo/): their organisations, addresses and requests.

It shows partners' and services' objects, so it lives in the composition layer.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from meetings.models import CalendarSubscription
from meetings.views import NEW_FEED_SESSION_KEY
from partners.access import private
from partners.account_forms import LanguageForm
from partners.models import Affiliation, Organization, preferred_language
from partners.rules import is_coordinator, is_referent
from services.models import ServiceRequest
from services.needs import open_survey


@require_GET
@login_required
def profile(request):
    affiliations = list(
        Affiliation.objects.filter(user=request.user)
        .select_related("organization")
        .order_by("-created_at")
    )
    current = [a for a in affiliations if a.status == Affiliation.Status.ACTIVE]
    pending = [a for a in affiliations if a.status == Affiliation.Status.PENDING]
    past = [
        a
        for a in affiliations
        if a.status in (Affiliation.Status.REJECTED, Affiliation.Status.ENDED)
    ]
    email_addresses = list(
        EmailAddress.objects.filter(user=request.user).order_by("-primary", "email")
    )
    # A suspended member's people keep their affiliation (shown with a notice); someone
    # whose confirmed address belongs to a suspended member is told so, not to confirm it.
    verified_domains = {a.email.rpartition("@")[2].lower() for a in email_addresses if a.verified}
    context = {
        "current_affiliations": current,
        "pending_affiliations": pending,
        "past_affiliations": past,
        "is_referent": is_referent(request.user),
        "suspended_domain_organizations": Organization.objects.filter(
            membership_status=Organization.MembershipStatus.SUSPENDED,
            email_domains__domain__in=verified_domains,
        )
        .exclude(pk__in=[a.organization_id for a in current])
        .distinct()
        if verified_domains
        else [],
        "email_addresses": email_addresses,
        "needs_survey": open_survey(timezone.localdate()) if current else None,
        "new_calendar_url": request.session.pop(NEW_FEED_SESSION_KEY, ""),
        "language_form": LanguageForm(initial={"language": preferred_language(request.user)}),
        "recent_service_requests": ServiceRequest.objects.filter(requester=request.user)
        .select_related("service")
        .order_by("-created_at")[:5],
    }
    # The calendar address is for those who have meetings (one query more, for them only).
    context["may_subscribe"] = context["is_referent"] or is_coordinator(request.user)
    if context["may_subscribe"]:
        context["calendar_subscription"] = CalendarSubscription.objects.filter(
            user=request.user
        ).first()
    return private(render(request, "account/profile.html", context))
