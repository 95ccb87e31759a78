"""Back office for the welfare services catalogue: moderation, categories, requests."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin_helpers import EVERYWHERE, UPLOAD_FIELD_OVERRIDES, related_count, run_action
from common.admin_input import SafeInputAdminMixin
from common.csv_export import csv_response, dated_filename
from distretto.dashboard import REQUEST_WAITING_DAYS, overdue_service_requests
from services import actions
from services.models import Audience, Category, SavedService, ServiceRequest, WelfareService


@admin.register(Category)
class CategoryAdmin(SafeInputAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "icon", "position", "service_count")
    list_editable = ("position",)
    search_fields = ("name", "description")
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
    list_display = ("name", "code", "position")
    list_editable = ("position",)
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}


class WelfareServiceForm(forms.ModelForm):
    class Meta:
        model = WelfareService
        # The admin passes the fields of its fieldsets; this is the widest editable set.
        fields = (
            "provider",
            "title",
            "slug",
            "summary",
            "description",
            "category",
            "audiences",
            "eligibility",
            "eligible_organizations",
            "cost",
            "cost_conditions",
            "address",
            "area",
            "is_online",
            "contact_email",
            "contact_phone",
            "booking_url",
            "available_from",
            "available_until",
            "image",
            "image_alt",
            "status",
            "is_featured",
            "published_at",
            "last_verified_on",
        )

    def clean(self):
        data = super().clean()
        # A published service needs its publication date (a database rule): the
        # coordinator publishing from the form should not have to type it.
        if (
            data.get("status") == WelfareService.Status.PUBLISHED
            and "published_at" in self.fields
            and not data.get("published_at")
        ):
            data["published_at"] = timezone.now()
        return data


@admin.register(WelfareService)
class WelfareServiceAdmin(SafeInputAdminMixin, admin.ModelAdmin):
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
        ("provider", admin.RelatedOnlyFieldListFilter),
        "provider__membership_status",
    )
    list_select_related = ("provider", "category")
    search_fields = ("title", "summary", "provider__name", "area")
    autocomplete_fields = ("provider", "audiences", "eligible_organizations")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at", "created_by")
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
        (_("Image"), {"fields": ("image", "image_alt")}),
        (
            _("Publication"),
            {"fields": ("status", "is_featured", "published_at", "last_verified_on")},
        ),
        (_("Record"), {"fields": ("created_at", "updated_at", "created_by")}),
    )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

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
            return queryset.filter(pk__in=overdue_service_requests().values("pk"))
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
