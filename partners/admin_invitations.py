"""Back office for referent invitations, and the "end affiliations" action.

Imported from ``PartnersConfig.ready()`` (after the admin's autodiscovery), so it can add
its action to the affiliation admin registered in ``partners/admin.py``.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin_helpers import run_action
from common.admin_input import SafeInputAdminMixin
from partners import actions
from partners.models import Affiliation, Organization, ReferentInvitation


@admin.action(description=_("End selected affiliations"), permissions=["change"])
def end_affiliations(modeladmin, request, queryset):
    run_action(
        modeladmin,
        request,
        queryset.select_related("organization", "user"),
        action=actions.affiliation_end,
        argument="affiliation",
        done=lambda n: (
            ngettext("%(count)d affiliation ended.", "%(count)d affiliations ended.", n)
            % {"count": n}
        ),
    )


def _add_end_action_to_affiliation_admin() -> None:
    model_admin = admin.site.get_model_admin(Affiliation)
    current = tuple(model_admin.actions or ())
    if end_affiliations not in current and "end_affiliations" not in current:
        model_admin.actions = (*current, end_affiliations)


if admin.site.is_registered(Affiliation):
    _add_end_action_to_affiliation_admin()


class ReferentInvitationForm(forms.ModelForm):
    class Meta:
        model = ReferentInvitation
        fields = ("organization", "email", "language")
        help_texts = {
            "email": _(
                "The person receives an e-mail with a link to sign up, or sign in, with this "
                "address; they become referent once it is verified. The link expires after "
                "%(days)d days."
            )
            % {"days": actions.INVITATION_VALID_DAYS},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "organization" in self.fields:
            self.fields["organization"].queryset = Organization.objects.active()
        if "language" in self.fields:
            # Left out (older forms, scripts): the invitee's own choice, else the site's.
            self.fields["language"].required = False

    def clean(self):
        data = super().clean()
        organization, email = data.get("organization"), data.get("email")
        if organization and email:
            try:
                data["email"] = actions.referent_invitation_validate(
                    organization=organization, email=email
                )
            except ValidationError as error:
                self.add_error("email", error)
        return data


@admin.register(ReferentInvitation)
class ReferentInvitationAdmin(SafeInputAdminMixin, admin.ModelAdmin):
    form = ReferentInvitationForm
    list_display = (
        "email",
        "organization",
        "state",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
    )
    list_filter = ("organization__membership_status", "created_at", "accepted_at")
    list_select_related = ("organization", "invited_by")
    search_fields = ("email", "organization__name")
    autocomplete_fields = ("organization",)
    date_hierarchy = "created_at"
    actions = ("send_again", "revoke")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("organization", "email", "language")
        return (
            "organization",
            "email",
            "language",
            "state",
            "invited_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "accepted_by",
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        # An invitation is never edited: send a new one (which replaces it) or revoke it.
        return False

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.is_accepted:
            return _("Accepted")
        if obj.is_expired():
            return _("Expired or revoked")
        return _("Waiting for the invitee")

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        invitation = actions.referent_invite(
            organization=form.cleaned_data["organization"],
            email=form.cleaned_data["email"],
            actor=request.user,
            language=form.cleaned_data.get("language"),
        )
        # The admin goes on with `obj` (message, history, redirect): make it the saved row.
        obj.pk = invitation.pk
        obj.token_hash = invitation.token_hash
        obj.email = invitation.email
        obj.created_at = invitation.created_at
        obj.expires_at = invitation.expires_at
        obj._state.adding = False
        obj._state.db = invitation._state.db

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            _("The invitation has been sent to %(email)s; the link is valid until %(date)s.")
            % {
                "email": obj.email,
                "date": date_format(timezone.localtime(obj.expires_at), "SHORT_DATETIME_FORMAT"),
            },
            messages.SUCCESS,
        )
        name = "add" if "_addanother" in request.POST else "changelist"
        return HttpResponseRedirect(reverse(f"admin:partners_referentinvitation_{name}"))

    @admin.action(description=_("Send the selected invitations again"), permissions=["add"])
    def send_again(self, request, queryset):
        def resend(*, invitation, actor):
            actions.referent_invite(
                organization=invitation.organization,
                email=invitation.email,
                actor=actor,
                language=invitation.language,
            )

        run_action(
            self,
            request,
            queryset.filter(accepted_at__isnull=True).select_related("organization"),
            action=resend,
            argument="invitation",
            done=lambda n: (
                ngettext("%(count)d invitation sent again.", "%(count)d invitations sent again.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=_("Revoke the selected invitations"), permissions=["delete"])
    def revoke(self, request, queryset):
        run_action(
            self,
            request,
            queryset,
            action=actions.invitation_revoke,
            argument="invitation",
            done=lambda n: (
                ngettext("%(count)d invitation revoked.", "%(count)d invitations revoked.", n)
                % {"count": n}
            ),
        )
