"""The coordinator's role, as a permission group the Comune's staff accounts join."""

COORDINATOR_GROUP = "Coordinatore"

# The coordinator runs everything in the district's own apps ...
COORDINATOR_APPS = ["partners", "agreements", "services", "meetings"]
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
        app_config.models_module = True
        create_contenttypes(app_config, verbosity=0, apps=apps)
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

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
