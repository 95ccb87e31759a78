"""Account events that change who belongs to which organisation.

- a verified address on an active partner's domain makes its owner an employee;
- removing that address ends the affiliation it gave;
- a referent invitation is accepted when its invitee signs up, signs in or verifies the
  invited address;
- deleting an account (the person's own "delete my data" or the admin) keeps the admin-log
  entries the person made, anonymised.
"""

import logging

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, email_removed, user_signed_up
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext as _

from common.audit import keep_log_entries_of
from partners import actions
from partners.models import ReferentInvitation

logger = logging.getLogger(__name__)

INVITATION_SESSION_KEY = "referent_invitation_token"


def _tell(request, level, text) -> None:
    if request is not None and hasattr(request, "_messages"):
        messages.add_message(request, level, text)


def _accept(request, invitation: ReferentInvitation, user) -> bool:
    try:
        actions.invitation_accept(invitation=invitation, actor=user)
    except (ValidationError, PermissionDenied) as error:
        _tell(request, messages.WARNING, " ".join(getattr(error, "messages", [str(error)])))
        return False
    _tell(
        request,
        messages.SUCCESS,
        _("You are now a referent of %(name)s.") % {"name": invitation.organization.name},
    )
    return True


def accept_session_invitation(request, user) -> None:
    """Accept the invitation whose link brought this browser here, if it is for this user."""
    if request is None or not hasattr(request, "session"):
        return
    # The session keeps the token's hash, like the database (see account_views).
    token_hash = request.session.get(INVITATION_SESSION_KEY)
    if not token_hash:
        return
    invitation = (
        ReferentInvitation.objects.open()
        .select_related("organization")
        .filter(token_hash=token_hash)
        .first()
    )
    if invitation is None:
        request.session.pop(INVITATION_SESSION_KEY, None)
        return
    if not EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists():
        # Maybe the invitee verifies the invited address later: keep the token until then.
        return
    request.session.pop(INVITATION_SESSION_KEY, None)
    _accept(request, invitation, user)


@receiver(email_confirmed, dispatch_uid="partners_email_confirmed")
def on_email_confirmed(sender, request=None, email_address=None, **kwargs):
    if email_address is None:
        return
    affiliation = actions.affiliation_from_verified_email(email_address=email_address)
    if affiliation is not None and affiliation.verified_via == affiliation.VerifiedVia.EMAIL_DOMAIN:
        _tell(
            request,
            messages.SUCCESS,
            _("Your address is recognised: you are an employee of %(name)s.")
            % {"name": affiliation.organization.name},
        )
    # Verifying the invited address proves, like the link, that the mailbox is theirs.
    for invitation in (
        ReferentInvitation.objects.open()
        .select_related("organization")
        .filter(email__iexact=email_address.email)
    ):
        if _accept(request, invitation, email_address.user) and request is not None:
            request.session.pop(INVITATION_SESSION_KEY, None)


@receiver(user_signed_up, dispatch_uid="partners_user_signed_up")
def on_user_signed_up(sender, request=None, user=None, **kwargs):
    # An address verified at sign-up (e.g. the one an invitation was sent to) sends no
    # email_confirmed signal: apply the domain rule here as well.
    for email_address in EmailAddress.objects.filter(user=user, verified=True):
        actions.affiliation_from_verified_email(email_address=email_address)
    accept_session_invitation(request, user)


@receiver(user_logged_in, dispatch_uid="partners_user_logged_in")
def on_user_logged_in(sender, request=None, user=None, **kwargs):
    accept_session_invitation(request, user)


@receiver(email_removed, dispatch_uid="partners_email_removed")
def on_email_removed(sender, request=None, user=None, email_address=None, **kwargs):
    if user is None or email_address is None:
        return
    ended = actions.affiliation_end_for_removed_email(user=user, email=email_address.email)
    if ended:
        _tell(
            request,
            messages.INFO,
            _("The affiliation given by %(email)s has ended.") % {"email": email_address.email},
        )


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="partners_keep_audit_trail")
def on_user_deleted(sender, instance=None, **kwargs):
    # Runs before Django's cascade removes the entries (LogEntry.user is CASCADE).
    if instance is None or instance.pk is None:
        return
    addresses = set(EmailAddress.objects.filter(user=instance).values_list("email", flat=True))
    keep_log_entries_of(instance, identifiers={instance.email, *addresses})
