"""Back office for the agreements of the district and who signed them when."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Signature
from common.admin_helpers import UPLOAD_FIELD_OVERRIDES, related_count
from common.admin_input import SafeInputAdminMixin


class SignatureInline(SafeInputAdminMixin, admin.TabularInline):
    model = Signature
    fields = ("organization", "signed_on", "withdrawn_on")
    autocomplete_fields = ("organization",)
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(SafeInputAdminMixin, admin.ModelAdmin):
    formfield_overrides = UPLOAD_FIELD_OVERRIDES
    list_display = (
        "title",
        "kind",
        "signed_on",
        "valid_from",
        "valid_until",
        "signatory_count",
        "predecessor",
        "is_public",
    )
    list_filter = ("kind", "is_public", "document_is_public")
    list_select_related = ("predecessor",)
    search_fields = ("title", "summary")
    autocomplete_fields = ("predecessor",)
    date_hierarchy = "signed_on"
    prepopulated_fields = {"slug": ("title",)}
    inlines = (SignatureInline,)
    fieldsets = (
        (None, {"fields": ("kind", "title", "slug", "summary", "predecessor")}),
        (
            _("Dates"),
            {"fields": (("signed_on", "signed_on_precision"), ("valid_from", "valid_until"))},
        ),
        (_("Publication"), {"fields": ("is_public", "document", "document_is_public")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                current_signatories=related_count(Signature, "agreement", withdrawn_on__isnull=True)
            )
        )

    @admin.display(description=_("signatories"), ordering="current_signatories")
    def signatory_count(self, obj):
        return obj.current_signatories


@admin.register(Signature)
class SignatureAdmin(SafeInputAdminMixin, admin.ModelAdmin):
    list_display = ("organization", "agreement", "signed_on", "withdrawn_on")
    list_filter = ("agreement__kind", "agreement")
    list_select_related = ("organization", "agreement")
    search_fields = ("organization__name", "agreement__title")
    autocomplete_fields = ("organization", "agreement")
    date_hierarchy = "signed_on"
