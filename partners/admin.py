"""Back office for the district's members: organisations, their people and applications."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin_helpers import (
    EVERYWHERE,
    UPLOAD_FIELD_OVERRIDES,
    ActionRefusalMixin,
    adopt,
    form_model_fields,
    related_count,
    run_action,
)
from common.admin_input import SafeInputAdminMixin
from common.csv_export import csv_response, dated_filename
from partners import actions
from partners.admin_affiliations import (
    AffiliationForm,
    AffiliationInlineFormSet,
    save_affiliation,
    stamp_verifier,
)
from partners.models import (
    CERTIFICATION_WARNING_DAYS,
    Affiliation,
    Certification,
    EmailDomain,
    Organization,
    ReferentInvitation,
)

PHASE_NAMES = dict(Certification.Phase.choices)

# --- Affiliations -----------------------------------------------------------------------


class AffiliationInline(SafeInputAdminMixin, admin.TabularInline):
    """Referents and pending requests only: the rows the coordinator acts on.

    Verified employees can be thousands for a large member; they are in the
    affiliations list, filtered by organisation.
    """

    model = Affiliation
    form = AffiliationForm
    formset = AffiliationInlineFormSet
    fields = ("user", "role", "status", "verified_via", "verified_at", "ended_at")
    autocomplete_fields = ("user",)
    extra = 0
    show_change_link = True
    verbose_name = _("referent or pending affiliation")
    verbose_name_plural = _("referents and pending affiliations")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["user"].help_text = _(
            "Only people who already have an account. To make someone new referent, write "
            "their e-mail address in “Invite a referent” above: they get a link to sign up."
        )
        return formset

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(
                Q(status=Affiliation.Status.PENDING)
                | Q(status=Affiliation.Status.ACTIVE, role=Affiliation.Role.REFERENT)
            )
            .select_related("user")
        )


@admin.register(Affiliation)
class AffiliationAdmin(SafeInputAdminMixin, ActionRefusalMixin, admin.ModelAdmin):
    form = AffiliationForm
    list_display = (
        "user",
        "user_email",
        "organization",
        "role",
        "status",
        "verified_via",
        "verified_at",
        "created_at",
    )
    # A date filter rather than a date drill-down: the drill-down reads every row's date
    # (a DISTINCT over 200,000 affiliations in a large district) on each page.
    list_filter = (
        "status",
        "role",
        "verified_via",
        "organization__membership_status",
        "created_at",
    )
    list_select_related = ("user", "organization")
    search_fields = ("user__email", "user__username", "user__last_name", "organization__name")
    autocomplete_fields = ("user", "organization", "verified_by")
    readonly_fields = ("created_at", "confirmed_at", "reconfirm_requested_at")
    actions = ("promote", "demote")
    fieldsets = (
        (None, {"fields": ("user", "organization", "role", "status", "request_message")}),
        (
            _("Verification"),
            {
                "fields": (
                    "verified_via",
                    "verified_at",
                    "verified_by",
                    "created_at",
                    "ended_at",
                    "confirmed_at",
                    "reconfirm_requested_at",
                )
            },
        ),
    )

    @admin.display(description=_("e-mail"), ordering="user__email")
    def user_email(self, obj):
        return obj.user.email

    def save_model(self, request, obj, form, change):
        stamp_verifier(form, request.user)
        if change:
            save_affiliation(obj, actor=request.user)
        else:
            super().save_model(request, obj, form, change)

    @admin.action(
        description=_("Make the selected people referents"),
        permissions=["change"],
        location=EVERYWHERE,
    )
    def promote(self, request, queryset):
        run_action(
            self,
            request,
            queryset,
            action=actions.referent_promote,
            argument="affiliation",
            done=lambda n: (
                ngettext(
                    "%(count)d person is now referent.", "%(count)d people are now referents.", n
                )
                % {"count": n}
            ),
        )

    @admin.action(
        description=_("Remove the referent role from the selected people"),
        permissions=["change"],
        location=EVERYWHERE,
    )
    def demote(self, request, queryset):
        run_action(
            self,
            request,
            queryset,
            action=actions.referent_demote,
            argument="affiliation",
            done=lambda n: (
                ngettext("%(count)d referent role removed.", "%(count)d referent roles removed.", n)
                % {"count": n}
            ),
        )


# --- Organisations ------------------------------------------------------------------------


class EmailDomainInline(SafeInputAdminMixin, admin.TabularInline):
    model = EmailDomain
    extra = 0


class CertificationInline(SafeInputAdminMixin, admin.TabularInline):
    model = Certification
    fields = ("phase", "status", "registered_on", "granted_on", "expires_on", "reference")
    extra = 0


class ReferentInvitationInline(SafeInputAdminMixin, admin.TabularInline):
    """The organisation's invitations, to follow them: sent from "Invite a referent" above
    (or the invitations list), never edited here."""

    model = ReferentInvitation
    fk_name = "organization"
    fields = ("email", "created_at", "expires_at", "accepted_at")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("referent invitation")
    verbose_name_plural = _("referent invitations")

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-created_at")


class OrganizationAdminForm(forms.ModelForm):
    invite_referent = forms.EmailField(
        label=_("Invite a referent"),
        required=False,
        max_length=254,
        help_text=_(
            "E-mail address of a person to invite as referent: when you save, they get a link "
            "to sign up (or sign in) with this address and become referent once it is "
            "verified. The organisation must be an active member."
        ),
    )

    class Meta:
        model = Organization
        fields = ("name",)  # the admin passes its own field list (the fieldsets)

    def clean(self):
        data = super().clean()
        email = data.get("invite_referent")
        if not email:
            return data
        status = data.get("membership_status") or self.instance.membership_status
        if status != Organization.MembershipStatus.ACTIVE:
            self.add_error(
                "invite_referent",
                _(
                    "Referents can be invited only for an active member: activate the "
                    "organisation first, then invite."
                ),
            )
        elif self.instance.pk:
            try:
                data["invite_referent"] = actions.referent_invitation_validate(
                    organization=self.instance, email=email
                )
            except ValidationError as error:
                self.add_error("invite_referent", error)
        return data


@admin.register(Organization)
class OrganizationAdmin(SafeInputAdminMixin, ActionRefusalMixin, admin.ModelAdmin):
    form = OrganizationAdminForm
    formfield_overrides = UPLOAD_FIELD_OVERRIDES
    list_display = (
        "name",
        "kind",
        "role",
        "membership_status",
        "area",
        "joined_on",
        "left_on",
        "domain_list",
        "current_phase",
        "people",
    )
    list_filter = ("membership_status", "role", "kind", "headcount_band", "area")
    search_fields = ("name", "short_name", "email_domains__domain", "area")
    date_hierarchy = "joined_on"
    prepopulated_fields = {"slug": ("name",)}
    inlines = (EmailDomainInline, CertificationInline, AffiliationInline, ReferentInvitationInline)
    actions = ("activate", "suspend", "withdraw", "export_csv")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "short_name",
                    "slug",
                    "kind",
                    "role",
                    "headcount_band",
                    "description",
                    "logo",
                )
            },
        ),
        (
            _("Contacts and location"),
            {
                "fields": (
                    "website",
                    "contact_email",
                    "contact_phone",
                    "address",
                    "area",
                    ("latitude", "longitude"),
                )
            },
        ),
        (
            _("Membership"),
            {
                "fields": ("membership_status", "joined_on", "left_on"),
                "description": _(
                    "To activate, suspend or withdraw a member use the actions: they keep "
                    "a record and tell its people. A suspension keeps its people's "
                    "affiliations; a withdrawal ends them."
                ),
            },
        ),
        (
            _("Referents"),
            {
                "fields": ("invite_referent",),
                "description": _(
                    "Current referents are in the list below; invitations sent are after it."
                ),
            },
        ),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("email_domains")
            .with_current_phase()
            .annotate(
                active_people=related_count(
                    Affiliation, "organization", status=Affiliation.Status.ACTIVE
                )
            )
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = ["created_at", "updated_at"]
        if obj is not None:
            # Status changes go through the actions, which keep affiliations consistent.
            readonly.append("membership_status")
        return readonly

    def save_model(self, request, obj, form, change):
        fields = form_model_fields(obj, form)
        if change:
            # The membership status is read-only here: it changes through the actions.
            actions.organization_update(organization=obj, actor=request.user, **fields)
        else:
            adopt(obj, actions.organization_create(actor=request.user, **fields))
        email = form.cleaned_data.get("invite_referent")
        if email:
            # In the admin's transaction: a refusal undoes the whole save (ActionRefusalMixin).
            invitation = actions.referent_invite(organization=obj, email=email, actor=request.user)
            self.message_user(
                request,
                _("The invitation has been sent to %(email)s; the link is valid until %(date)s.")
                % {
                    "email": invitation.email,
                    "date": date_format(
                        timezone.localtime(invitation.expires_at), "SHORT_DATETIME_FORMAT"
                    ),
                },
                messages.SUCCESS,
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Affiliation:
            return super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            stamp_verifier(inline_form, request.user)
        # Fills new_objects / changed_objects / deleted_objects (the admin's history uses
        # them) without saving: changes of status and role go through the actions.
        formset.save(commit=False)
        for affiliation in formset.deleted_objects:
            affiliation.delete()
        for affiliation in formset.new_objects:
            affiliation.save()
        for affiliation, _fields in formset.changed_objects:
            save_affiliation(affiliation, actor=request.user)
        return None

    @admin.display(description=_("e-mail domains"))
    def domain_list(self, obj):
        return ", ".join(domain.domain for domain in obj.email_domains.all())

    @admin.display(description=_("certification"))
    def current_phase(self, obj):
        return PHASE_NAMES.get(obj.current_phase, "")

    @admin.display(description=_("people"), ordering="active_people")
    def people(self, obj):
        url = reverse("admin:partners_affiliation_changelist")
        query = urlencode({"organization__id__exact": obj.pk})
        return format_html('<a href="{}?{}">{}</a>', url, query, obj.active_people)

    @admin.action(
        description=_("Activate selected organisations"),
        permissions=["change"],
        location=EVERYWHERE,
    )
    def activate(self, request, queryset):
        run_action(
            self,
            request,
            queryset,
            action=actions.organization_activate,
            argument="organization",
            done=lambda n: (
                ngettext(
                    "%(count)d organisation activated.", "%(count)d organisations activated.", n
                )
                % {"count": n}
            ),
        )

    @admin.action(
        description=_("Suspend selected organisations"), permissions=["change"], location=EVERYWHERE
    )
    def suspend(self, request, queryset):
        """Asks first, on a page listing the organisations and the people affected."""
        if request.POST.get("post") != "yes":
            return self._suspend_confirmation(request, queryset)
        run_action(
            self,
            request,
            queryset,
            action=actions.organization_suspend,
            argument="organization",
            done=lambda n: (
                ngettext(
                    "%(count)d organisation suspended.", "%(count)d organisations suspended.", n
                )
                % {"count": n}
            ),
        )
        return None

    def _suspend_confirmation(self, request, queryset):
        organizations = list(queryset.order_by("name"))
        people = (
            Affiliation.objects.current()
            .filter(organization__in=[o.pk for o in organizations])
            .values("organization_id", "role")
            .annotate(total=Count("pk"))
        )
        counts = {(row["organization_id"], row["role"]): row["total"] for row in people}
        for organization in organizations:
            organization.referent_total = counts.get(
                (organization.pk, Affiliation.Role.REFERENT), 0
            )
            organization.employee_total = counts.get(
                (organization.pk, Affiliation.Role.EMPLOYEE), 0
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Are you sure?"),
            "subtitle": None,
            "opts": self.opts,
            "organizations": organizations,
            "not_active": [o for o in organizations if not o.is_active],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action_field_names": ("action", f"{admin.ActionLocation.CHANGE_FORM.value}-action"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/partners/organization/suspend_confirmation.html", context
        )

    @admin.action(
        description=_("Record the withdrawal of selected organisations"),
        permissions=["change"],
        location=EVERYWHERE,
    )
    def withdraw(self, request, queryset):
        run_action(
            self,
            request,
            queryset,
            action=actions.organization_withdraw,
            argument="organization",
            done=lambda n: (
                ngettext(
                    "%(count)d organisation withdrawn.", "%(count)d organisations withdrawn.", n
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Export selected organisations as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        header = (
            _("name"),
            _("kind"),
            _("role"),
            _("membership status"),
            _("joined on"),
            _("left on"),
            _("area"),
            _("website"),
            _("e-mail domains"),
            _("current certification phase"),
        )
        rows = (
            (
                organization.name,
                organization.get_kind_display(),
                organization.get_role_display(),
                organization.get_membership_status_display(),
                organization.joined_on,
                organization.left_on,
                organization.area,
                organization.website,
                ", ".join(domain.domain for domain in organization.email_domains.all()),
                PHASE_NAMES.get(organization.current_phase, ""),
            )
            for organization in queryset
        )
        return csv_response(dated_filename("organizzazioni"), header, rows)


# --- Domains and certifications ------------------------------------------------------------


@admin.register(EmailDomain)
class EmailDomainAdmin(SafeInputAdminMixin, admin.ModelAdmin):
    list_display = ("domain", "organization", "organization_status")
    list_filter = ("organization__membership_status",)
    list_select_related = ("organization",)
    search_fields = ("domain", "organization__name")
    autocomplete_fields = ("organization",)

    @admin.display(description=_("membership status"), ordering="organization__membership_status")
    def organization_status(self, obj):
        return obj.organization.get_membership_status_display()


class CertificationAttentionFilter(admin.SimpleListFilter):
    title = _("attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return (
            (
                "expiring",
                _("Expired or expiring within %(days)d days, member active")
                % {"days": CERTIFICATION_WARNING_DAYS},
            ),
        )

    def queryset(self, request, queryset):
        if self.value() == "expiring":
            return queryset.filter(pk__in=Certification.objects.needing_attention().values("pk"))
        return queryset


@admin.register(Certification)
class CertificationAdmin(SafeInputAdminMixin, admin.ModelAdmin):
    # Short dates and no registration date (it is on each certificate's page): the list fits
    # a 1366 px screen beside the navigation and the filters.
    list_display = ("organization", "phase", "status", "granted", "expires", "reference")
    list_filter = (CertificationAttentionFilter, "phase", "status")
    list_select_related = ("organization",)
    search_fields = ("organization__name", "reference")
    autocomplete_fields = ("organization",)
    date_hierarchy = "expires_on"

    @admin.display(
        description=Certification._meta.get_field("granted_on").verbose_name,
        ordering="granted_on",
    )
    def granted(self, obj):
        return short_date(obj.granted_on)

    @admin.display(
        description=Certification._meta.get_field("expires_on").verbose_name,
        ordering="expires_on",
    )
    def expires(self, obj):
        return short_date(obj.expires_on)


def short_date(value):
    return date_format(value, "SHORT_DATE_FORMAT") if value else "–"


# Membership applications are reviewed in distretto/admin_applications.py: approving one
# also seats the organisation in the working group (meetings, a layer above partners).
