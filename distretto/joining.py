"""An organisation joins the district: the approval as the whole network lives it.

``partners.actions.membership_application_approve`` makes the organisation an active
member (domains, Family Audit step, the referent's invitation). Joining also means taking
a seat in the working group, which is the ``meetings`` app, above ``partners`` in the
layers; so the approval the coordinator uses is composed here, at the top, in one
transaction: partners' action, then the working group, then the welcome mail (which can
name the next meeting). An explicit composition rather than a signal that ``meetings``
would listen to: the approval reads top to bottom in one place, fails as a whole, and
every caller (the admin, the tests) gets all of it by calling one function.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import log_action
from meetings.models import Meeting, WorkingGroup
from partners import actions as partners_actions
from partners.mail import send_mail_to_people
from partners.models import Affiliation, MembershipApplication, Organization

__all__ = ["membership_application_approve", "district_working_groups"]


def district_working_groups():
    """The groups every member sits in: the district working groups (not the sub-groups,
    whose members are chosen per action)."""
    return WorkingGroup.objects.filter(parent__isnull=True)


def _referent_emails_of_other_members(organization: Organization) -> list[str]:
    return list(
        Affiliation.objects.referents()
        .filter(
            organization__membership_status=Organization.MembershipStatus.ACTIVE,
            user__is_active=True,
        )
        .exclude(organization=organization)
        .values_list("user__email", flat=True)
    )


@transaction.atomic
def membership_application_approve(
    *, application: MembershipApplication, actor: AbstractBaseUser | None, notes: str = ""
) -> Organization:
    """Approve an application: active member, domains, referent invited (partners), a seat
    in the district working group, a welcome to the new member and a word to the others."""
    organization = partners_actions.membership_application_approve(
        application=application, actor=actor, notes=notes
    )
    groups = list(district_working_groups().exclude(members=organization))
    for group in groups:
        group.members.add(organization)
        log_action(
            actor,
            group,
            _("%(name)s joined the working group (membership approved).")
            % {"name": organization.name},
        )
    all_groups = list(district_working_groups())
    next_meeting = (
        Meeting.objects.filter(group__in=all_groups)
        .upcoming(timezone.now())
        .order_by("starts_at")
        .first()
    )
    application.refresh_from_db()
    send_mail_to_people(
        "member_welcome",
        [application.contact_email],
        {
            "application": application,
            "organization": organization,
            "groups": all_groups,
            "next_meeting": next_meeting,
        },
    )
    send_mail_to_people(
        "member_joined",
        _referent_emails_of_other_members(organization),
        {"organization": organization, "groups": all_groups},
    )
    return organization
