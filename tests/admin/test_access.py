"""Who reaches the back office: the coordinator everywhere, nobody else anywhere.

The models come from the admin registry itself, so a model registered tomorrow is
checked too (and fails loudly until tests/admin/builders.py knows how to make one).
"""

import pytest

from tests.admin import builders

MODEL_ADMINS = builders.district_model_admins()
IDS = [model._meta.label_lower for model, _ in MODEL_ADMINS]
PAGES = ["changelist", "add", "change"]
PERMISSION_VERBS = ["add", "change", "delete", "view"]


def test_the_coordinator_is_staff_without_being_superuser(coordinator):
    assert coordinator.is_staff
    assert not coordinator.is_superuser


def test_every_district_model_is_in_the_back_office():
    registered = {model._meta.label for model, _ in MODEL_ADMINS}
    for label in [
        "partners.Organization",
        "partners.EmailDomain",
        "partners.Certification",
        "partners.Affiliation",
        "partners.MembershipApplication",
        "agreements.Agreement",
        "agreements.Signature",
        "services.Category",
        "services.Audience",
        "services.WelfareService",
        "services.ServiceRequest",
        "services.SavedService",
        "meetings.WorkingGroup",
        "meetings.Meeting",
        "meetings.AgendaItem",
        "meetings.Attendance",
        "meetings.WorkProgramme",
        "meetings.Action",
    ]:
        assert label in registered


@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS, ids=IDS)
def test_the_coordinator_opens_every_change_list(coordinator_client, model, model_admin):
    builders.one(model)
    response = coordinator_client.get(builders.admin_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS, ids=IDS)
def test_the_coordinator_opens_every_change_page(coordinator_client, model, model_admin):
    obj = builders.one(model)
    response = coordinator_client.get(builders.admin_url(model, "change", obj.pk))
    assert response.status_code == 200
    assert response.context["has_view_permission"]
    if model in builders.VIEW_ONLY_MODELS:
        # People's accounts are only looked at.
        assert not response.context["has_change_permission"]


@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS, ids=IDS)
def test_the_coordinator_group_holds_exactly_the_permissions_needed(
    coordinator, model, model_admin
):
    opts = model._meta
    perms = [f"{opts.app_label}.{verb}_{opts.model_name}" for verb in PERMISSION_VERBS]
    if model in builders.VIEW_ONLY_MODELS:
        assert coordinator.has_perm(f"{opts.app_label}.view_{opts.model_name}")
        assert not any(coordinator.has_perm(perm) for perm in perms if "view_" not in perm)
    else:
        assert coordinator.has_perms(perms)


@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS, ids=IDS)
def test_the_coordinator_adds_district_data_but_not_accounts(
    coordinator_client, model, model_admin
):
    response = coordinator_client.get(builders.admin_url(model, "add"))
    expected = 403 if model in builders.VIEW_ONLY_MODELS else 200
    assert response.status_code == expected


@pytest.mark.parametrize("role", ["anonymous", "employee_a", "referent_a"])
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS, ids=IDS)
def test_people_without_staff_status_are_sent_to_log_in(
    db, as_role, role, page, model, model_admin
):
    args = (builders.one(model).pk,) if page == "change" else ()
    response = as_role(role).get(builders.admin_url(model, page, *args))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("role", ["anonymous", "employee_a"])
def test_the_back_office_home_is_closed_to_the_public(db, as_role, role):
    response = as_role(role).get("/admin/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_staff_account_outside_the_coordinator_group_sees_no_district_data(client, db):
    from tests import factories

    clerk = factories.make_user("impiegato@comune.trento.it", is_staff=True)
    client.force_login(clerk)
    organization = factories.make_organization()
    assert client.get(builders.admin_url(organization, "changelist")).status_code == 403
    response = client.get(builders.admin_url(organization, "change", organization.pk))
    assert response.status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_coordinator_group_is_restored_after_a_database_flush():
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from common.roles import COORDINATOR_GROUP

    call_command("flush", "--noinput", verbosity=0)
    group = Group.objects.get(name=COORDINATOR_GROUP)
    assert group.permissions.filter(codename="change_welfareservice").exists()
    assert not group.permissions.filter(codename="delete_user").exists()
