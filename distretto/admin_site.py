"""The back office's admin site: the coordinator's jobs first, technical lists out of sight.

`DistrettoAdminConfig` (distretto/admin_config.py, in INSTALLED_APPS instead of
django.contrib.admin) makes this the default `admin.site`, so every app registers on it.
"""

from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

from common.admin_helpers import ReadableMessagesMixin

# The home page and the side navigation, in the order of the coordinator's work. Each model
# is an "app_label.ModelName"; a registered model named nowhere ends up in the last section.
SECTIONS = [
    (
        "membership",
        _("Membership"),
        [
            "partners.MembershipApplication",
            "partners.Organization",
            "partners.Affiliation",
            "partners.ReferentInvitation",
            "partners.Certification",
        ],
    ),
    ("agreements", _("Agreements"), ["agreements.Agreement", "agreements.Signature"]),
    (
        "catalogue",
        _("Catalogue"),
        [
            "services.WelfareService",
            "services.ServiceRequest",
            "services.NeedsSurvey",
            "services.Category",
        ],
    ),
    (
        "working-group",
        _("Working group"),
        [
            "meetings.Meeting",
            "meetings.WorkingGroup",
            "meetings.WorkProgramme",
            "meetings.Action",
        ],
    ),
    (
        "system",
        _("Accounts and system"),
        [
            "auth.User",
            "auth.Group",
            "background.OutgoingMail",
            "background.PeriodicJob",
            "django_tasks_database.DBTaskResult",
        ],
    ),
]
# Edited inside another object (e-mail domains in the organisation, agenda and attendance in
# the meeting, audiences from the service form) or technical records: reachable from there
# and by address, never a top-level list.
NOT_LISTED = {
    "partners.EmailDomain",
    "meetings.AgendaItem",
    "meetings.Attendance",
    "services.Audience",
    "services.SavedService",
    "account.EmailAddress",
    "mfa.Authenticator",
}


class DistrettoAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        # Every ModelAdmin, ours and the libraries', says "saved" in words right for every
        # gender (common.admin_helpers.ReadableMessagesMixin).
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, ReadableMessagesMixin):
            admin_class = type(
                admin_class.__name__,
                (ReadableMessagesMixin, admin_class),
                {"__module__": admin_class.__module__},
            )
        return super().register(model_or_iterable, admin_class, **options)

    def get_urls(self):
        from distretto import exports  # the domain apps' models: loaded once apps are ready

        own = [path("exports/<slug:kind>/", self.admin_view(exports.export), name="export")]
        return own + super().get_urls()

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        if app_label is not None:
            return app_list  # an app's own page lists all its models, as usual
        return sections_of(app_list)


def sections_of(app_list: list[dict]) -> list[dict]:
    """Regroup Django's app list (apps, each with models) into SECTIONS."""
    models = {model["model"]._meta.label: model for app in app_list for model in app["models"]}
    sections = []
    for key, name, labels in SECTIONS:
        entries = [models.pop(label) for label in labels if label in models]
        if entries:
            sections.append(section(key, name, entries))
    rest = [model for label, model in models.items() if label not in NOT_LISTED]
    if rest:
        sections.append(section("other", _("Other"), rest))
    return sections


def section(key: str, name, entries: list[dict]) -> dict:
    return {
        "name": name,
        "app_label": key,
        # The caption links to the first list of the section.
        "app_url": entries[0]["admin_url"] or "",
        "has_module_perms": True,
        "models": entries,
    }
