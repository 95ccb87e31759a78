"""Who is who in the district: each rule stated once.

Every page, template tag, context processor, admin screen, dashboard, feed, sitemap and mail
asks these functions (or the QuerySet methods they are built on); nothing else restates
them. HTTP answers (404, 403, login redirects) are made from them in ``partners/access.py``.
"""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from common.roles import COORDINATOR_GROUP
from partners.models import Affiliation, Organization


def is_coordinator(user) -> bool:
    """The coordinator is an active staff account in the Coordinatore group, or a superuser."""
    if user is None or not user.is_authenticated or not user.is_active:
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


def member_affiliations(user) -> QuerySet[Affiliation]:
    """A person belongs to a partner through a current affiliation to an active member.

    Employees and referents alike; a pending, rejected or ended affiliation does not count,
    and neither does one with a suspended, withdrawn or applicant organisation (it is kept,
    and counts again the day the organisation is active again).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Affiliation.objects.none()
    return Affiliation.objects.current().filter(
        user=user, organization__membership_status=Organization.MembershipStatus.ACTIVE
    )


def member_organizations(user) -> QuerySet[Organization]:
    """The active member organisations the person currently belongs to (see above)."""
    return Organization.objects.filter(pk__in=member_affiliations(user).values("organization_id"))


def is_partner_employee(user) -> bool:
    """An employee of a partner is a person with at least one member affiliation."""
    return member_affiliations(user).exists()


def referent_organizations(user) -> QuerySet[Organization]:
    """A referent acts for the active members where they hold a current referent affiliation."""
    referent_affiliations = member_affiliations(user).filter(role=Affiliation.Role.REFERENT)
    return Organization.objects.filter(pk__in=referent_affiliations.values("organization_id"))


def is_referent_of(user, organization: Organization) -> bool:
    """Whether the person is a current referent of this organisation, an active member."""
    return referent_organizations(user).filter(pk=organization.pk).exists()


def is_referent(user) -> bool:
    """Whether the person may enter the partner area: referent of at least one active member.

    The same as `referent_organizations(user).exists()`, asked of the affiliations alone: it
    is on every page's header, and one query without a nested one is quicker to build.
    """
    return member_affiliations(user).filter(role=Affiliation.Role.REFERENT).exists()


def may_manage_people(user, organization: Organization) -> bool:
    """An organisation's people are managed by its referents; the coordinator may step in."""
    return is_coordinator(user) or is_referent_of(user, organization)


def coordinating_organization():
    """The public body coordinating the District (the Comune di Trento in the seed): the
    first public institutional member, whose contacts are the District's own, or None."""
    return (
        Organization.objects.public()
        .filter(role=Organization.Role.INSTITUTIONAL)
        .only("name", "slug", "address", "contact_email", "contact_phone", "website")
        .order_by("pk")
        .first()
    )


def coordinators() -> QuerySet:
    """The coordinator's people to tell (applications, answers): the active staff accounts
    of the Coordinatore group. Superusers are technical administrators and are not mailed."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=COORDINATOR_GROUP)
        .exclude(email="")
        .distinct()
    )
