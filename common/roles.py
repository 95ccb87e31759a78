"""The coordinator's role, as a permission group the Comune's staff accounts join."""

COORDINATOR_GROUP = "Coordinatore"

# The coordinator runs everything in the district's own apps ...
# (background: the outgoing mail, to see and resend what could not be sent.)
COORDINATOR_APPS = ["partners", "agreements", "services", "meetings", "background"]
# ... and, outside them, only looks at people and their addresses (to invite and affiliate).
COORDINATOR_EXTRA_PERMISSIONS = [
    ("auth", "view_user"),
    ("account", "view_emailaddress"),
]


def sync_coordinator_group(apps):
    """Give the Coordinatore group exactly the permissions the role needs."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    # In a fresh database permissions are only created after all migrations ran; the
    # migration state's app configs have no models module, which those helpers require.
    for app_config in apps.get_app_configs():
        had_models_module = getattr(app_config, "models_module", None)
        app_config.models_module = had_models_module or True
        create_contenttypes(app_config, verbosity=0, apps=apps)
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = had_models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=COORDINATOR_GROUP)
    wanted = list(Permission.objects.filter(content_type__app_label__in=COORDINATOR_APPS))
    for app_label, codename in COORDINATOR_EXTRA_PERMISSIONS:
        wanted += list(
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
    group.permissions.set(wanted)
    return group


def ensure_coordinator_group(sender, apps=None, **kwargs):
    """post_migrate: keep the group in step after every migrate and every test-database flush.

    The data migration creates the group; a flush (transactional tests) empties the table
    and emits post_migrate, so the group would otherwise vanish until the next migration.
    """
    if apps is None:  # flush sends no migration state: use the real app registry
        from django.apps import apps
    sync_coordinator_group(apps)
