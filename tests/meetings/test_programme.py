"""The yearly work programme /programma/ and /programma/<year>/."""

import pytest
from django.utils import timezone, translation

from meetings.models import Action
from services.models import WelfareService
from tests import factories

THIS_YEAR = timezone.localdate().year


def area_section(html, area):
    start = html.index(f'id="area-{area}-section"')
    return html[start : html.index("</section>", start)]


def label(choice):
    with translation.override("en"):
        return str(choice.label)


def test_programme_of_this_year_groups_actions_by_the_four_areas(client, db):
    lead = factories.make_organization("Fondazione Bruno Kessler", slug="fbk")
    partner = factories.make_organization("Università di Trento", slug="unitn")
    programme = factories.make_programme(THIS_YEAR, summary="Le azioni dell'anno.")
    subgroup = factories.make_group(name="Sotto-gruppo servizi 0–14")
    action = factories.make_action(
        programme,
        lead,
        title="Centri estivi condivisi",
        area=Action.Area.STANDARDS,
        status=Action.Status.IN_PROGRESS,
        subgroup=subgroup,
    )
    action.partners.add(partner)
    factories.make_action(
        programme, lead, title="Giornata del Distretto", area=Action.Area.AWARENESS
    )

    for path in ["/programma/", "/en/programma/"]:
        assert client.get(path).status_code == 200
    html = client.get("/en/programma/").content.decode()
    assert f"Programma di lavoro {THIS_YEAR}" in html
    for area in Action.Area:
        assert label(area) in html
    standards = area_section(html, "standards")
    assert "Centri estivi condivisi" in standards
    assert label(Action.Status.IN_PROGRESS) in standards
    assert "Sotto-gruppo servizi 0–14" in standards
    with translation.override("en"):
        assert f'href="{lead.get_absolute_url()}"' in standards
        assert f'href="{partner.get_absolute_url()}"' in standards
    assert "Giornata del Distretto" in area_section(html, "awareness")
    assert "No action in this area" in area_section(html, "pilot")


def test_former_members_are_named_but_not_linked(client, db):
    gone = factories.make_organization("Receduta", slug="receduta", membership_status="withdrawn")
    factories.make_action(factories.make_programme(THIS_YEAR), gone, title="Azione storica")
    html = client.get("/en/programma/").content.decode()
    assert "Receduta" in html
    assert "/partner/receduta/" not in html


def test_related_services_are_only_those_the_user_may_see(client, employee_a, org_a):
    action = factories.make_action(factories.make_programme(THIS_YEAR), org_a)
    action.services.add(
        factories.make_service(org_a, title="Servizio aperto"),
        factories.make_service(
            org_a, title="Servizio riservato", eligibility=WelfareService.Eligibility.ALL_PARTNERS
        ),
        factories.make_service(org_a, title="Servizio in bozza", status="draft"),
    )
    html = client.get("/en/programma/").content.decode()
    assert "Servizio aperto" in html
    assert "Servizio riservato" not in html and "Servizio in bozza" not in html
    client.force_login(employee_a)
    html = client.get("/en/programma/").content.decode()
    assert "Servizio riservato" in html and "Servizio in bozza" not in html


def test_earlier_years_are_selectable(client, db):
    lead = factories.make_organization()
    factories.make_action(factories.make_programme(THIS_YEAR), lead, title="Azione di quest'anno")
    factories.make_action(factories.make_programme(THIS_YEAR - 1), lead, title="Azione precedente")
    html = client.get("/en/programma/").content.decode()
    assert f'href="/en/programma/{THIS_YEAR - 1}/"' in html
    assert f'href="/en/programma/{THIS_YEAR}/" aria-current="page"' in html
    response = client.get(f"/en/programma/{THIS_YEAR - 1}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Azione precedente" in html and "Azione di quest&#x27;anno" not in html
    assert f'href="/en/programma/{THIS_YEAR - 1}/" aria-current="page"' in html


def test_without_this_years_programme_the_latest_one_is_shown(client, db):
    factories.make_programme(THIS_YEAR - 2)
    factories.make_programme(THIS_YEAR - 1)
    html = client.get("/en/programma/").content.decode()
    assert f"Programma di lavoro {THIS_YEAR - 1}" in html


def test_without_any_programme_the_page_says_so(client, db):
    response = client.get("/en/programma/")
    assert response.status_code == 200
    assert 'id="empty-state"' in response.content.decode()


@pytest.mark.parametrize("year", [2013, 2019, 2101, 99999, 99999999999999999999])
def test_unknown_years_are_not_found(client, db, year):
    factories.make_programme(THIS_YEAR)
    assert client.get(f"/programma/{year}/").status_code == 404


@pytest.mark.parametrize("path", ["/programma/abc/", "/programma/-1/", "/programma/2025.5/"])
def test_malformed_years_are_not_found(client, db, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("size", [5, 200])
@pytest.mark.parametrize("role", ["anonymous", "employee_a"])
def test_programme_runs_a_fixed_number_of_queries(
    as_role, db, size, role, django_assert_max_num_queries
):
    programme = factories.make_programme(THIS_YEAR)
    factories.make_programme(THIS_YEAR - 1)
    lead = factories.make_organization()
    partners = [factories.make_organization() for _ in range(3)]
    category = factories.make_category()
    areas = list(Action.Area)
    for n in range(size):
        action = factories.make_action(programme, lead, area=areas[n % 4])
        action.partners.add(*partners)
        action.services.add(factories.make_service(lead, category=category))
    client = as_role(role)
    # Two more than before the progress notes and the meetings that discussed each action.
    with django_assert_max_num_queries(12):
        assert client.get("/programma/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/programma/{THIS_YEAR}/").status_code == 200


def test_programme_refuses_writes(client, db):
    assert client.post("/programma/").status_code == 405
