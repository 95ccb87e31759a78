"""Who may do what with a welfare service, each rule stated once.

Who may *see* a service is `WelfareService.objects.visible_to(user)`; whether a published
service *needs checking* is `WelfareService.objects.needing_check()`. The rules here build
on partners.rules (coordinator, referent of, member of an active partner).
"""

from django.utils import formats
from django.utils.translation import gettext as _

from partners.models import Organization
from partners.rules import is_coordinator, is_referent, member_affiliations, referent_organizations
from services.models import WelfareService


def requester_organization(user, service: WelfareService) -> Organization | None:
    """A person may request a service when they belong to an active partner; they request it
    for that organisation (for a service reserved to chosen partners, for one of those).

    Returns None when the person may not send a request (this is the "may request" rule).
    The caller has already checked that the person may see the service.
    """
    affiliations = list(
        member_affiliations(user).select_related("organization").order_by("organization__name")
    )
    if not affiliations:
        return None
    if service.eligibility == WelfareService.Eligibility.CHOSEN_PARTNERS:
        eligible = set(service.eligible_organizations.values_list("pk", flat=True))
        for affiliation in affiliations:
            if affiliation.organization_id in eligible:
                return affiliation.organization
    return affiliations[0].organization


def requests_closed_reason(service: WelfareService) -> str | None:
    """Why nobody can send a request about this service any more, or None when they can.

    An ended service (`WelfareService.objects.ended()`, `service.has_ended()`) takes no more
    requests: the service page says so instead of showing the form, and the action refuses.
    """
    if service.has_ended():
        return _(
            "This service ended on %(date)s: it can no longer be requested. The provider may "
            "publish it again for a new period."
        ) % {"date": formats.date_format(service.available_until, "DATE_FORMAT")}
    return None


def may_preview_services(user) -> bool:
    """Previews of services in any state are for the coordinator and current referents."""
    return is_coordinator(user) or is_referent(user)


def previewable_services(user):
    """Services in any state a person may preview: all for the coordinator, those of the
    organisations they are referent of for a referent, none for anybody else."""
    services = WelfareService.objects.all()
    if is_coordinator(user):
        return services
    return services.filter(provider__in=referent_organizations(user))


def editable_services(user, organization: Organization):
    """Services a person may edit while acting for `organization`: that organisation's own,
    when the person is one of its current referents (an active member)."""
    return WelfareService.objects.filter(
        provider=organization, provider__in=referent_organizations(user)
    )
