"""Back office for working groups, their meetings and the yearly programme of actions."""

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin_helpers import (
    EVERYWHERE,
    UPLOAD_FIELD_OVERRIDES,
    ActionRefusalMixin,
    PrivateFileAdminMixin,
    adopt,
    form_model_fields,
    related_count,
    run_action,
)
from common.admin_input import SafeInputAdminMixin
from meetings import actions
from meetings.models import (
    Action,
    AgendaItem,
    Attendance,
    Meeting,
    WorkingGroup,
    WorkProgramme,
)


class SubgroupFilter(admin.SimpleListFilter):
    title = _("level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return (("main", _("Main groups")), ("sub", _("Sub-groups")))

    def queryset(self, request, queryset):
        if self.value() == "main":
            return queryset.filter(parent__isnull=True)
        if self.value() == "sub":
            return queryset.filter(parent__isnull=False)
        return queryset


@admin.register(WorkingGroup)
class WorkingGroupAdmin(SafeInputAdminMixin, admin.ModelAdmin):
    list_display = ("name", "name_en", "parent", "coordinator", "member_count")
    list_filter = (SubgroupFilter,)
    list_select_related = ("parent", "coordinator")
    search_fields = ("name", "name_en", "description")
    autocomplete_fields = ("parent", "coordinator", "members")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(member_total=related_count(WorkingGroup.members.through, "workinggroup"))
        )

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, obj):
        return obj.member_total


class AgendaItemInline(SafeInputAdminMixin, admin.TabularInline):
    model = AgendaItem
    fields = ("position", "title", "notes")
    extra = 0


class AttendanceInline(SafeInputAdminMixin, admin.TabularInline):
    model = Attendance
    fields = ("organization", "status", "representative")
    autocomplete_fields = ("organization",)
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(
    SafeInputAdminMixin, PrivateFileAdminMixin, ActionRefusalMixin, admin.ModelAdmin
):
    # The current file links to the access-checked view: private files have no address.
    private_file_links = {
        "minutes_file": lambda meeting: reverse(
            "meetings:meeting-minutes", kwargs={"pk": meeting.pk}
        )
    }
    formfield_overrides = UPLOAD_FIELD_OVERRIDES
    list_display = ("title", "group", "starts_at", "ends_at", "place", "status", "has_minutes")
    list_filter = ("status", "group")
    list_select_related = ("group",)
    search_fields = ("title", "place", "group__name")
    autocomplete_fields = ("group",)
    date_hierarchy = "starts_at"
    inlines = (AgendaItemInline, AttendanceInline)
    actions = ("cancel",)
    fieldsets = (
        (None, {"fields": ("group", "title", "status")}),
        (
            _("When and where"),
            {"fields": (("starts_at", "ends_at"), "place", "online_url", "answer_by")},
        ),
        (_("Minutes"), {"fields": ("minutes", "minutes_file")}),
    )

    @admin.display(description=_("minutes"), boolean=True)
    def has_minutes(self, obj):
        return bool(obj.minutes or obj.minutes_file)

    def save_model(self, request, obj, form, change):
        """A new meeting is scheduled, a cancellation is a cancellation: by meetings.actions."""
        if not change:
            fields = form_model_fields(obj, form)
            group = fields.pop("group")
            adopt(obj, actions.meeting_schedule(group=group, actor=request.user, **fields))
            return
        stored = Meeting.objects.values_list("status", flat=True).get(pk=obj.pk)
        cancelling = obj.status == Meeting.Status.CANCELLED != stored
        if cancelling:
            obj.status = stored
        actions.meeting_update(meeting=obj, actor=request.user)
        if cancelling:
            actions.meeting_cancel(meeting=obj, actor=request.user)
            obj.status = Meeting.Status.CANCELLED

    @admin.action(
        description=_("Cancel selected meetings"), permissions=["change"], location=EVERYWHERE
    )
    def cancel(self, request, queryset):
        run_action(
            self,
            request,
            queryset,
            action=actions.meeting_cancel,
            argument="meeting",
            done=lambda n: (
                ngettext("%(count)d meeting cancelled.", "%(count)d meetings cancelled.", n)
                % {"count": n}
            ),
        )


@admin.register(AgendaItem)
class AgendaItemAdmin(SafeInputAdminMixin, admin.ModelAdmin):
    list_display = ("title", "meeting", "position")
    list_filter = ("meeting__group",)
    list_select_related = ("meeting",)
    search_fields = ("title", "notes", "meeting__title")
    autocomplete_fields = ("meeting",)


@admin.register(Attendance)
class AttendanceAdmin(SafeInputAdminMixin, admin.ModelAdmin):
    list_display = ("organization", "meeting", "meeting_start", "status", "representative")
    list_filter = ("status", "meeting__group")
    list_select_related = ("organization", "meeting")
    search_fields = ("organization__name", "meeting__title", "representative")
    autocomplete_fields = ("meeting", "organization")

    @admin.display(description=_("date"), ordering="meeting__starts_at")
    def meeting_start(self, obj):
        return obj.meeting.starts_at


class ActionInline(SafeInputAdminMixin, admin.TabularInline):
    model = Action
    fields = ("position", "area", "title", "lead_organization", "subgroup", "status")
    autocomplete_fields = ("lead_organization", "subgroup")
    extra = 0
    show_change_link = True


@admin.register(WorkProgramme)
class WorkProgrammeAdmin(SafeInputAdminMixin, admin.ModelAdmin):
    list_display = ("year", "title", "title_en", "approved_on", "action_count")
    search_fields = ("title", "title_en", "summary")
    inlines = (ActionInline,)

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(action_total=related_count(Action, "programme"))
        )

    @admin.display(description=_("actions"), ordering="action_total")
    def action_count(self, obj):
        return obj.action_total


@admin.register(Action)
class ActionAdmin(SafeInputAdminMixin, admin.ModelAdmin):
    list_display = ("title", "programme", "area", "lead_organization", "subgroup", "status")
    list_filter = ("programme", "area", "status")
    list_select_related = ("programme", "lead_organization", "subgroup")
    search_fields = ("title", "description", "lead_organization__name")
    autocomplete_fields = ("programme", "lead_organization", "partners", "subgroup", "services")
    fieldsets = (
        (None, {"fields": ("programme", "area", "position", "title", "description", "status")}),
        (
            _("Who and what"),
            {"fields": ("lead_organization", "partners", "subgroup", "services")},
        ),
    )
