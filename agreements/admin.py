"""Back office for the agreements of the district and who signed them when."""

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agreements import actions
from agreements.models import Agreement, Signature
from common.admin_helpers import (
    UPLOAD_FIELD_OVERRIDES,
    ActionRefusalMixin,
    PrivateFileAdminMixin,
    adopt,
    form_model_fields,
    related_count,
)
from common.admin_input import SafeInputAdminMixin


def save_signature(signature: Signature, *, actor) -> Signature:
    """Save a signature from the admin through agreements.actions.

    A new one is signed (and, if the form says so, withdrawn); a withdrawal date given to a
    current signature is a withdrawal; anything else is a correction of the dates.
    """
    if signature.pk is None:
        withdrawn_on = signature.withdrawn_on
        saved = actions.agreement_sign(
            agreement=signature.agreement,
            organization=signature.organization,
            signed_on=signature.signed_on,
            actor=actor,
        )
        if withdrawn_on:
            saved = actions.signature_withdraw(
                signature=saved, withdrawn_on=withdrawn_on, actor=actor
            )
        adopt(signature, saved)
        return signature
    stored = Signature.objects.get(pk=signature.pk)
    if (
        stored.withdrawn_on is None
        and signature.withdrawn_on is not None
        and stored.signed_on == signature.signed_on
        and stored.organization_id == signature.organization_id
        and stored.agreement_id == signature.agreement_id
    ):
        return actions.signature_withdraw(
            signature=signature, withdrawn_on=signature.withdrawn_on, actor=actor
        )
    if (stored.organization_id, stored.agreement_id) != (
        signature.organization_id,
        signature.agreement_id,
    ):
        signature.full_clean()
        signature.save()
        return signature
    return actions.signature_update(
        signature=signature,
        signed_on=signature.signed_on,
        withdrawn_on=signature.withdrawn_on,
        actor=actor,
    )


class SignatureInline(SafeInputAdminMixin, admin.TabularInline):
    model = Signature
    fields = ("organization", "signed_on", "withdrawn_on")
    autocomplete_fields = ("organization",)
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(
    SafeInputAdminMixin, PrivateFileAdminMixin, ActionRefusalMixin, admin.ModelAdmin
):
    # The current file links to the access-checked view: private files have no address.
    private_file_links = {
        "document": lambda agreement: reverse(
            "agreements:agreement-document", kwargs={"slug": agreement.slug}
        )
    }
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

    def save_model(self, request, obj, form, change):
        if change:
            actions.agreement_update(agreement=obj, actor=request.user)
        else:
            adopt(obj, actions.agreement_create(actor=request.user, **form_model_fields(obj, form)))

    def save_formset(self, request, form, formset, change):
        if formset.model is not Signature:
            return super().save_formset(request, form, formset, change)
        # Fills new_objects / changed_objects / deleted_objects for the history, unsaved.
        formset.save(commit=False)
        for signature in formset.deleted_objects:
            signature.delete()
        for signature in [*formset.new_objects, *(s for s, _changed in formset.changed_objects)]:
            save_signature(signature, actor=request.user)
        return None


@admin.register(Signature)
class SignatureAdmin(SafeInputAdminMixin, ActionRefusalMixin, admin.ModelAdmin):
    list_display = ("organization", "agreement", "signed_on", "withdrawn_on")
    list_filter = ("agreement__kind", "agreement")
    list_select_related = ("organization", "agreement")
    search_fields = ("organization__name", "agreement__title")
    autocomplete_fields = ("organization", "agreement")
    date_hierarchy = "signed_on"

    def save_model(self, request, obj, form, change):
        save_signature(obj, actor=request.user)
