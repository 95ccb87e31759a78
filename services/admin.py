"""Back office for the welfare services catalogue: moderation, categories, requests."""

from django import forms
from django.conf import settings
from django.contrib import admin
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
from common.forms import ModelRulesFormMixin
from partners.models import Organization
from services import actions
from services.models import (
    REQUEST_WAITING_DAYS,
    Audience,
    Category,
    SavedService,
    ServiceRequest,
    SynonymGroup,
    WelfareService,
)


@admin.register(Category)
class CategoryAdmin(SafeInputAdminMixin, admin.ModelAdmin):
    list_display = ("name", "name_en", "slug", "icon", "position", "service_count")
    list_editable = ("position",)
    search_fields = ("name", "name_en", "description")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(service_total=related_count(WelfareService, "category"))
        )

    @admin.display(description=_("services"), ordering="service_total")
    def service_count(self, obj):
        return obj.service_total


@admin.register(Audience)
class AudienceAdmin(SafeInputAdminMixin, admin.ModelAdmin):
    list_display = ("name", "name_en", "code", "position")
    list_editable = ("position",)
    search_fields = ("name", "name_en", "code")
    prepopulated_fields = {"code": ("name",)}


@admin.register(SynonymGroup)
class SynonymGroupAdmin(SafeInputAdminMixin, admin.ModelAdmin):
    """The words the catalogue's search treats as the same (services/search_synonyms.toml)."""

    list_display = ("name", "term_preview", "updated_at")
    search_fields = ("name", "terms")
    fields = ("name", "terms")

    @admin.display(description=_("terms"))
    def term_preview(self, obj):
        terms = obj.term_list()
        shown = ", ".join(terms[:6])
        return f"{shown}, …" if len(terms) > 6 else shown


class WelfareServiceForm(ModelRulesFormMixin, forms.ModelForm):
    class Meta:
        model = WelfareService
        # The admin passes the fields of its fieldsets; this is the widest editable set.
        fields = (
            "provider",
            "slug",
            *WelfareService.PROVIDER_FIELDS,
            "status",
            "is_featured",
            "published_at",
            "last_verified_on",
        )

    def clean(self):
        data = super().clean()
        # The single-record rules are WelfareService.clean()'s, as in the partner area; the
        # chosen organisations are a many-to-many rule, checked here the same way.
        eligibility = data.get("eligibility")
        if "eligible_organizations" in self.fields and "eligible_organizations" not in self.errors:
            try:
                WelfareService.clean_eligible_organizations(
                    eligibility, data.get("eligible_organizations")
                )
            except forms.ValidationError as error:
                self.add_error(None, error)
        if eligibility and eligibility != WelfareService.Eligibility.CHOSEN_PARTNERS:
            data["eligible_organizations"] = Organization.objects.none()
        # Publishing and archiving go through services.actions (see the admin's save_model);
        # there is no way back to draft once a service has left it.
        status = data.get("status")
        stored = self.instance.status if self.instance.pk else WelfareService.Status.DRAFT
        if status == WelfareService.Status.DRAFT and stored != WelfareService.Status.DRAFT:
            self.add_error(
                "status",
                _("A service cannot go back to draft: archive it to take it off the catalogue."),
            )
        return data

    def _get_validation_exclusions(self):
        # The status is not saved from the form but by the publish/archive actions, which
        # also set the publication date: the model's checks judge the stored status.
        exclude = super()._get_validation_exclusions()
        exclude.add("status")
        return exclude


@admin.register(WelfareService)
class WelfareServiceAdmin(SafeInputAdminMixin, ActionRefusalMixin, admin.ModelAdmin):
    formfield_overrides = UPLOAD_FIELD_OVERRIDES
    form = WelfareServiceForm
    list_display = (
        "title",
        "provider",
        "category",
        "eligibility",
        "cost",
        "status",
        "is_featured",
        "published_at",
        "last_verified_on",
    )
    list_filter = (
        "status",
        "eligibility",
        "cost",
        "category",
        "is_featured",
        "is_online",
        "provider__membership_status",
        "published_at",
    )
    # No list of providers among the filters (thousands in a large district: search by the
    # provider's name instead) and a date filter rather than a drill-down, which reads every
    # row's date on each page.
    list_select_related = ("provider", "category")
    search_fields = ("title", "summary", "provider__name", "area")
    autocomplete_fields = ("provider", "audiences", "eligible_organizations")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = (
        "published_at",
        "created_at",
        "updated_at",
        "created_by",
        "minimum_reached_at",
        "not_running_since",
    )
    actions = ("publish", "archive", "export_csv")
    fieldsets = (
        (
            None,
            {"fields": ("provider", "title", "slug", "summary", "description", "category")},
        ),
        (
            _("Who can use it"),
            {"fields": ("audiences", "eligibility", "eligible_organizations")},
        ),
        (_("Cost"), {"fields": ("cost", "cost_conditions")}),
        (
            _("Where and how"),
            {
                "fields": (
                    "address",
                    "area",
                    "is_online",
                    "contact_email",
                    "contact_phone",
                    "booking_url",
                    ("available_from", "available_until"),
                )
            },
        ),
        (
            _("Minimum and places"),
            {
                "fields": (
                    ("minimum_participants", "capacity", "signup_deadline"),
                    ("minimum_reached_at", "not_running_since"),
                )
            },
        ),
        (_("Image"), {"fields": ("image", "image_alt")}),
        (
            _("Publication"),
            {"fields": ("status", "is_featured", "published_at", "last_verified_on")},
        ),
        (_("Record"), {"fields": ("created_at", "updated_at", "created_by")}),
    )

    def save_model(self, request, obj, form, change):
        """Saved by services.actions; a change of status goes through publish or archive."""
        wanted = obj.status
        fields = form_model_fields(obj, form)
        fields.pop("status", None)
        if change:
            obj.status = WelfareService.objects.values_list("status", flat=True).get(pk=obj.pk)
            actions.service_record_update(service=obj, actor=request.user, **fields)
        else:
            fields.pop("created_by", None)
            adopt(obj, actions.service_record_create(actor=request.user, **fields))
        if wanted == obj.status:
            return
        if wanted == WelfareService.Status.PUBLISHED:
            actions.service_publish(service=obj, actor=request.user)
        elif wanted == WelfareService.Status.ARCHIVED:
            actions.service_archive(service=obj, actor=request.user)

    @admin.action(
        description=_("Publish selected services"), permissions=["change"], location=EVERYWHERE
    )
    def publish(self, request, queryset):
        run_action(
            self,
            request,
            queryset,
            action=actions.service_publish,
            argument="service",
            done=lambda n: (
                ngettext("%(count)d service published.", "%(count)d services published.", n)
                % {"count": n}
            ),
        )

    @admin.action(
        description=_("Archive selected services"), permissions=["change"], location=EVERYWHERE
    )
    def archive(self, request, queryset):
        run_action(
            self,
            request,
            queryset,
            action=actions.service_archive,
            argument="service",
            done=lambda n: (
                ngettext("%(count)d service archived.", "%(count)d services archived.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=_("Export selected services as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        header = (
            _("title"),
            _("provider"),
            _("category"),
            _("eligibility"),
            _("cost"),
            _("status"),
            _("published at"),
            _("last verified on"),
            _("url"),
            _("booking link"),
        )
        rows = (
            (
                service.title,
                service.provider.name,
                service.category.name,
                service.get_eligibility_display(),
                service.get_cost_display(),
                service.get_status_display(),
                service.published_at,
                service.last_verified_on,
                settings.SITE_URL + service.get_absolute_url(),
                service.booking_url,
            )
            for service in queryset.select_related("provider", "category")
        )
        return csv_response(dated_filename("servizi"), header, rows)


class WaitingFilter(admin.SimpleListFilter):
    title = _("waiting time")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return (
            (
                "overdue",
                _("Open for more than %(days)d days") % {"days": REQUEST_WAITING_DAYS},
            ),
        )

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(pk__in=ServiceRequest.objects.overdue().values("pk"))
        return queryset


@admin.register(ServiceRequest)
class ServiceRequestAdmin(SafeInputAdminMixin, admin.ModelAdmin):
    list_display = (
        "service",
        "provider",
        "requester",
        "requester_organization",
        "kind",
        "status",
        "created_at",
        "answered_at",
    )
    list_filter = (WaitingFilter, "status", "kind")
    list_select_related = ("service__provider", "requester", "requester_organization")
    search_fields = (
        "service__title",
        "service__provider__name",
        "requester__email",
        "requester_organization__name",
    )
    autocomplete_fields = ("service", "requester", "requester_organization", "answered_by")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at",)

    @admin.display(description=_("provider"), ordering="service__provider__name")
    def provider(self, obj):
        return obj.service.provider


@admin.register(SavedService)
class SavedServiceAdmin(SafeInputAdminMixin, admin.ModelAdmin):
    list_display = ("service", "user", "saved_at")
    list_select_related = ("service", "user")
    search_fields = ("service__title", "user__email")
    autocomplete_fields = ("user", "service")
    date_hierarchy = "saved_at"
    readonly_fields = ("saved_at",)


# The needs surveys have their own module.
from services import admin_needs  # noqa: E402, F401
