"""The back office: its home follows the coordinator's jobs, technical lists stay out of it,
and its messages read right in Italian for every model."""

import re

from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from tests import factories
from tests.admin.form_data import page_data

SECTION_ORDER = ["membership", "agreements", "catalogue", "working-group", "system"]


def section_ids(html):
    return re.findall(r'class="app-([a-z-]+) module', html)


def test_the_home_lists_the_coordinators_jobs_in_order(coordinator_client):
    html = coordinator_client.get(reverse("admin:index")).content.decode()
    assert section_ids(html)[: len(SECTION_ORDER)] == SECTION_ORDER
    membership = html[html.index('class="app-membership') :]
    membership = membership[: membership.index("</table>")]
    assert reverse("admin:partners_organization_changelist") in membership
    assert reverse("admin:partners_referentinvitation_changelist") in membership


def test_lists_edited_inside_another_object_are_not_on_the_home(coordinator_client):
    html = coordinator_client.get(reverse("admin:index")).content.decode()
    for name in [
        "partners_emaildomain",
        "meetings_agendaitem",
        "meetings_attendance",
        "services_audience",
        "services_savedservice",
        "account_emailaddress",
    ]:
        assert reverse(f"admin:{name}_changelist") not in html, name


def test_lists_left_out_of_the_home_are_still_reachable(coordinator_client):
    response = coordinator_client.get(reverse("admin:meetings_attendance_changelist"))
    assert response.status_code == 200


def test_an_apps_own_page_still_lists_all_its_models(coordinator_client):
    html = coordinator_client.get(
        reverse("admin:app_list", kwargs={"app_label": "partners"})
    ).content.decode()
    assert reverse("admin:partners_emaildomain_changelist") in html


def test_the_back_office_uses_the_portals_look(coordinator_client):
    html = coordinator_client.get(reverse("admin:index")).content.decode()
    assert "css/admin" in html and "css/fonts" in html


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_saving_an_organisation_says_so_with_the_right_gender_in_italian(coordinator_client, org_a):
    url = reverse("admin:partners_organization_change", args=[org_a.pk])
    data = page_data(coordinator_client.get(url)) | {"description": "Nuova descrizione."}
    response = coordinator_client.post(url, data, follow=True)
    org_a.refresh_from_db()
    assert org_a.description == "Nuova descrizione."
    [message] = messages_of(response)
    assert message.startswith("Organizzazione “")
    assert "Il organizzazione" not in message and "è stato" not in message


def test_deleting_a_category_says_so_without_a_masculine_participle(coordinator_client):
    category = factories.make_category()
    url = reverse("admin:services_category_delete", args=[category.pk])
    response = coordinator_client.post(url, {"post": "yes"}, follow=True)
    [message] = messages_of(response)
    assert message.startswith("Categoria “")
    assert "cancellato" not in message


def test_every_model_gets_messages_without_djangos_masculine_article():
    from common.admin_helpers import readable_message

    with translation.override("it"):
        for model, model_admin in admin.site._registry.items():
            name = model._meta.verbose_name
            django = f'Il {name} "<a href=\\"/x/\\">oggetto</a>" è stato aggiunto con successo.'
            ours = readable_message(django, name)
            assert ours != django, model
            assert str(ours).startswith(str(name)[:1].upper()), model
            assert hasattr(model_admin, "message_user")
