"""The back office's pages for the background app (the outbox, the periodic jobs).

Registered here, in the project layer, because they share the admin hooks of common/ that
the background app (below common) cannot import.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from background.mail import send_again
from background.models import OutgoingMail, PeriodicJob
from common.admin_input import SafeInputAdminMixin


@admin.register(OutgoingMail)
class OutgoingMailAdmin(SafeInputAdminMixin, admin.ModelAdmin):
    """What the portal sent or failed to send. The text is never shown: it may hold a
    sign-in or password-reset link meant for its recipient only."""

    list_display = ["created_at", "to", "subject", "status", "attempts", "next_attempt_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "to",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    readonly_fields = fields
    actions = ["send_again_action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again"), permissions=["view"])
    def send_again_action(self, request, queryset):
        queued = sum(send_again(mail) for mail in queryset)
        self.message_user(
            request,
            ngettext("%(count)d mail queued again.", "%(count)d mails queued again.", queued)
            % {"count": queued},
            messages.SUCCESS if queued else messages.WARNING,
        )


@admin.register(PeriodicJob)
class PeriodicJobAdmin(SafeInputAdminMixin, admin.ModelAdmin):
    list_display = ["name", "last_started_at", "last_finished_at", "last_error"]
    readonly_fields = ["name", "last_started_at", "last_finished_at", "last_error"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
