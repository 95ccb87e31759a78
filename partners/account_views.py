"""The user's own pages under /account/: affiliation requests, my data, invitations.

The profile, which also lists service requests, is in distretto/profile_views.py.

Sign-up, login, e-mail and password pages are allauth's (templates in templates/account/).
"""

import json
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partners import actions
from partners.access import private
from partners.account_forms import AccountDeleteForm, AffiliationRequestForm, LanguageForm
from partners.models import Affiliation, ReferentInvitation
from partners.signals import INVITATION_SESSION_KEY


def _error_text(error: Exception) -> str:
    return " ".join(getattr(error, "messages", None) or [str(error)])


@require_http_methods(["GET", "POST"])
@login_required
def affiliation_request(request):
    form = AffiliationRequestForm(
        request.POST if request.method == "POST" else None, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        organization = form.cleaned_data["organization"]
        try:
            actions.affiliation_request(
                organization=organization,
                message=form.cleaned_data["message"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Your request has been sent to the referents of %(name)s: you will "
                    "receive an e-mail when they decide."
                )
                % {"name": organization.name},
            )
            return redirect("account:profile")
    return private(render(request, "account/affiliation_request.html", {"form": form}))


@require_POST
@login_required
def affiliation_end(request, pk):
    affiliation = get_object_or_404(Affiliation, pk=pk, user=request.user)
    was_pending = affiliation.status == Affiliation.Status.PENDING
    try:
        actions.affiliation_end(affiliation=affiliation, actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if was_pending:
            text = _("Your request to join %(name)s has been withdrawn.")
        else:
            text = _("You no longer belong to %(name)s.")
        messages.success(request, text % {"name": affiliation.organization.name})
    return redirect("account:profile")


@require_POST
@login_required
def language_update(request):
    """The language of the person's mail; the pages follow it from here on (the address
    we send them back to is in that language)."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("language", [])))
        return redirect("account:profile")
    language = actions.person_language_set(
        user=request.user, language=form.cleaned_data["language"], actor=request.user
    )
    with translation.override(language):
        messages.success(request, _("Your e-mails will be written in English."))
        return redirect(reverse("account:profile"))


@require_POST
@login_required
def data_export(request):
    data = actions.user_export_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"distretto-my-data-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return private(response)


@require_http_methods(["GET", "POST"])
@login_required
def account_delete(request):
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST":
        # Guessing the password here is limited like allauth's own re-authentication.
        if not ratelimit.consume(request, action="reauthenticate", user=request.user):
            form.add_error(None, _("Too many attempts: wait a few minutes and try again."))
        elif form.is_valid():
            user = request.user
            actions.user_delete(user=user, actor=user)
            logout(request)
            messages.success(request, _("Your account and your personal data have been deleted."))
            return redirect("home")
    return private(render(request, "account/account_delete.html", {"form": form}))


def _invitation_problem(invitation: ReferentInvitation | None) -> tuple[str, int] | None:
    if invitation is None:
        return _("This invitation link is not valid: check that you copied it whole."), 404
    if invitation.is_accepted:
        return _("This invitation has already been used."), 410
    if invitation.is_expired():
        return _("This invitation has expired: ask the coordinator for a new one."), 410
    if not invitation.organization.is_active:
        return (
            _("%(name)s is no longer an active member of the District.")
            % {"name": invitation.organization.name},
            410,
        )
    return None


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = ReferentInvitation.objects.select_related("organization").with_token(token).first()
    problem = _invitation_problem(invitation)
    if problem is not None:
        text, status = problem
        return private(
            render(request, "account/invitation_invalid.html", {"problem": text}, status=status)
        )

    organization = invitation.organization
    if not request.user.is_authenticated:
        # The link proves the invitee reads the invited mailbox: remember it for sign-up
        # or login, where the invitation is accepted (partners.signals).
        request.session[INVITATION_SESSION_KEY] = invitation.token_hash
        if EmailAddress.objects.filter(email__iexact=invitation.email).exists():
            messages.info(
                request,
                _("Sign in with %(email)s to become a referent of %(name)s.")
                % {"email": invitation.email, "name": organization.name},
            )
            query = urlencode({"next": reverse("account:profile")})
            return redirect(f"{reverse('account_login')}?{query}")
        get_adapter(request).stash_verified_email(request, invitation.email)
        messages.info(
            request,
            _("Create your account with %(email)s to become a referent of %(name)s.")
            % {"email": invitation.email, "name": organization.name},
        )
        return redirect(f"{reverse('account_signup')}?{urlencode({'email': invitation.email})}")

    address_matches = EmailAddress.objects.filter(
        user=request.user, email__iexact=invitation.email, verified=True
    ).exists()
    if request.method == "POST" and address_matches:
        try:
            actions.invitation_accept(invitation=invitation, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
        else:
            request.session.pop(INVITATION_SESSION_KEY, None)
            messages.success(
                request,
                _("You are now a referent of %(name)s.") % {"name": organization.name},
            )
            return redirect("account:profile")
    context = {"invitation": invitation, "address_matches": address_matches}
    return private(render(request, "account/invitation_accept.html", context))


@require_http_methods(["GET", "POST"])
def affiliation_reconfirm(request, token):
    """The yearly link mailed to a work address: the person confirms they still work there.

    No sign-in needed: the link, sent to the work mailbox, is the proof. A button, so that a
    mail scanner opening the link confirms nothing.
    """
    affiliation = actions.affiliation_for_reconfirmation_token(token)
    if affiliation is None:
        raise Http404("Unknown or used confirmation link.")
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            actions.affiliation_reconfirm(affiliation=affiliation)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("Thank you: you are confirmed as an employee of %(name)s for another year.")
                % {"name": affiliation.organization.name},
            )
            return redirect("home")
    return private(
        render(request, "account/affiliation_reconfirm.html", {"affiliation": affiliation})
    )
