"""The coordinator reviews membership applications: approve, reject with a reason, or ask
the applicant for more information (who answers through the private status link).

Registered here rather than in partners/admin.py because approving goes through
``distretto.joining`` (the organisation also joins the working group, a layer above).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin_helpers import (
    EVERYWHERE,
    UPLOAD_FIELD_OVERRIDES,
    PrivateFileAdminMixin,
    run_action,
)
from common.admin_input import SafeInputAdminMixin
from common.fields import NOTES_MAX_LENGTH
from distretto import joining
from partners import actions
from partners.models import ApplicationMessage, MembershipApplication


class ApplicationMessageInline(SafeInputAdminMixin, admin.TabularInline):
    """The questions and answers so far; new ones are written through the actions."""

    model = ApplicationMessage
    fields = ("created_at", "author", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReviewMessageForm(forms.Form):
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}), max_length=NOTES_MAX_LENGTH
    )


@admin.register(MembershipApplication)
class MembershipApplicationAdmin(SafeInputAdminMixin, PrivateFileAdminMixin, admin.ModelAdmin):
    formfield_overrides = UPLOAD_FIELD_OVERRIDES
    list_display = (
        "organization_name",
        "kind",
        "sector",
        "certification_phase",
        "contact_name",
        "contact_email",
        "status",
        "submitted_at",
        "reviewed_at",
        "organization",
    )
    list_filter = ("status", "kind", "sector", "certification_phase", "size_class")
    list_select_related = ("reviewed_by", "organization")
    search_fields = ("organization_name", "contact_name", "contact_email", "email_domains")
    date_hierarchy = "submitted_at"
    inlines = (ApplicationMessageInline,)
    actions = ("approve", "request_information", "reject")
    private_file_links = {
        "certificate": lambda application: reverse(
            "join:application-certificate", kwargs={"pk": application.pk}
        )
    }
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "organization_name",
                    "kind",
                    "sector",
                    "size_class",
                    "email_domains",
                    "motivation",
                    "submitted_at",
                    "email_confirmed_at",
                )
            },
        ),
        (
            _("Contact person (invited as referent on approval)"),
            {"fields": ("contact_name", "contact_email")},
        ),
        (
            _("Family Audit"),
            {
                "fields": (
                    "certification_phase",
                    "certification_reference",
                    "certification_registered_on",
                    "certification_granted_on",
                    "certification_expires_on",
                    "certificate",
                )
            },
        ),
        (
            _("Review"),
            {
                "fields": (
                    "status",
                    "review_notes",
                    "reviewed_at",
                    "reviewed_by",
                    "organization",
                ),
                "description": _(
                    "Approve, ask for more information or reject with the actions: the "
                    "applicant is told by e-mail. Approving makes the organisation an active "
                    "member, registers its domains, invites the contact person as referent "
                    "and gives it a seat in the working group. Notes saved here stay in the "
                    "back office."
                ),
            },
        ),
    )
    readonly_fields = (
        "status",
        "email_confirmed_at",
        "reviewed_at",
        "reviewed_by",
        "organization",
    )

    @admin.action(
        description=_("Approve selected applications"), permissions=["change"], location=EVERYWHERE
    )
    def approve(self, request, queryset):
        run_action(
            self,
            request,
            queryset,
            action=joining.membership_application_approve,
            argument="application",
            done=lambda n: (
                ngettext(
                    "%(count)d application approved: the organisation is now an active member.",
                    "%(count)d applications approved: the organisations are now active members.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(
        description=_("Ask the applicants for more information"),
        permissions=["change"],
        location=EVERYWHERE,
    )
    def request_information(self, request, queryset):
        return self._with_message(
            request,
            queryset,
            action_name="request_information",
            title=_("Ask for more information"),
            explanation=_(
                "Write your question: the applicant receives it by e-mail with a private "
                "link where they answer. The application waits for their answer."
            ),
            button=_("Send the question"),
            run=lambda application, message: actions.membership_application_request_information(
                application=application, question=message, actor=request.user
            ),
            done=lambda n: (
                ngettext(
                    "%(count)d applicant asked for more information.",
                    "%(count)d applicants asked for more information.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(
        description=_("Reject selected applications"), permissions=["change"], location=EVERYWHERE
    )
    def reject(self, request, queryset):
        return self._with_message(
            request,
            queryset,
            action_name="reject",
            title=_("Reject applications"),
            explanation=_(
                "Write the reason: the applicant reads it in the e-mail that tells them of "
                "the decision and on their application's page."
            ),
            button=_("Reject"),
            run=lambda application, message: actions.membership_application_reject(
                application=application, reason=message, actor=request.user
            ),
            done=lambda n: (
                ngettext("%(count)d application rejected.", "%(count)d applications rejected.", n)
                % {"count": n}
            ),
        )

    def _with_message(
        self, request, queryset, *, action_name, title, explanation, button, run, done
    ):
        """Ask for the message on a page of its own, then run the action for each row."""
        form = ReviewMessageForm(request.POST if request.POST.get("post") == "yes" else None)
        if form.is_bound and form.is_valid():
            changed, errors = 0, []
            for application in queryset:
                try:
                    run(application, form.cleaned_data["message"])
                except (ValidationError, PermissionDenied) as error:
                    errors.extend(getattr(error, "messages", None) or [str(error)])
                else:
                    changed += 1
            self.message_user(
                request, done(changed), messages.SUCCESS if changed else messages.WARNING
            )
            if errors:
                self.message_user(request, " ".join(errors[:5]), messages.WARNING)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "opts": self.opts,
            "applications": list(queryset.order_by("organization_name")),
            "form": form,
            "explanation": explanation,
            "button": button,
            "action_name": action_name,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action_field_names": ("action", f"{admin.ActionLocation.CHANGE_FORM.value}-action"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/partners/membershipapplication/review_message.html", context
        )
