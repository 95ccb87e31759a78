"""The yearly needs survey: employees answer once (and may change it), the coordinator sets
the needs against the supply, per area, for the network and per organisation."""

import csv
import datetime
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from partners.models import Affiliation
from services import actions
from services.models import AgeBand, NeedsAnswer, NeedsSurvey, WelfareService
from services.needs import needs_report, supply
from tests import factories
from tests.admin import builders
from tests.admin.form_data import page_data


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def today():
    return timezone.localdate()


@pytest.fixture
def survey(db):
    return NeedsSurvey.objects.create(
        year=today().year,
        opens_on=today() - datetime.timedelta(days=3),
        closes_on=today() + datetime.timedelta(days=20),
    )


@pytest.fixture
def areas(db):
    return {
        "childhood": factories.make_category("Infanzia", slug="infanzia", position=1),
        "health": factories.make_category("Salute", slug="salute", position=2),
        "care": factories.make_category("Cura degli anziani", slug="anziani", position=3),
    }


def employees(organization, n, prefix):
    people = []
    for index in range(n):
        person = factories.make_user(f"{prefix}{index}@{organization.slug}.example")
        factories.affiliate(person, organization)
        people.append(person)
    return people


def answer(survey, person, categories, bands=(), comment=""):
    return actions.needs_answer_save(
        survey=survey, actor=person, categories=categories, age_bands=list(bands), comment=comment
    )


# --- Answering ---------------------------------------------------------------------------------


def test_an_employee_answers_and_can_change_the_answer(client, survey, areas, employee_a, org_a):
    client.force_login(employee_a)
    url = reverse("services:needs-survey")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"categories": [areas["childhood"].pk], "age_bands": ["0-3"], "comment": "Un nido estivo"},
    )
    assert response.status_code == 302
    saved = NeedsAnswer.objects.get()
    assert (saved.respondent, saved.organization, saved.age_bands) == (employee_a, org_a, ["0-3"])
    assert list(saved.categories.all()) == [areas["childhood"]]

    # The form comes back filled in; a second answer replaces the first.
    page = client.get(url)
    assert page.context["form"].initial["categories"] == [areas["childhood"].pk]
    client.post(url, {"categories": [areas["health"].pk], "age_bands": []})
    saved = NeedsAnswer.objects.get()
    assert list(saved.categories.all()) == [areas["health"]]
    assert saved.age_bands == []


@pytest.mark.parametrize(
    "data",
    [
        {},  # nothing chosen
        {"age_bands": ["0-99"]},
        {"categories": ["999999"]},
        {"categories": ["abc"]},
        {"comment": "x" * 1001},
    ],
)
def test_a_bad_answer_gets_a_message_and_saves_nothing(client, survey, areas, employee_a, data):
    client.force_login(employee_a)
    response = client.post(reverse("services:needs-survey"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not NeedsAnswer.objects.exists()


@pytest.mark.parametrize("role", ["unaffiliated", "coordinator"])
def test_the_survey_is_only_for_partners_employees(as_role, survey, role):
    response = as_role(role).get(reverse("services:needs-survey"))
    assert response.status_code == 403
    assert (
        "work e-mail" in response.content.decode()
        or "e-mail di lavoro" in response.content.decode()
    )


def test_with_no_open_survey_the_page_says_so(client, employee_a):
    client.force_login(employee_a)
    response = client.get(reverse("services:needs-survey"))
    assert response.status_code == 200
    assert response.context["survey"] is None
    assert client.post(reverse("services:needs-survey"), {"comment": "x"}).status_code == 200
    assert not NeedsAnswer.objects.exists()


def test_a_closed_survey_takes_no_answer(survey, areas, employee_a):
    survey.closes_on = today() - datetime.timedelta(days=1)
    survey.opens_on = today() - datetime.timedelta(days=10)
    survey.save()
    with pytest.raises(ValidationError):
        answer(survey, employee_a, [areas["health"]])
    assert not NeedsAnswer.objects.exists()


def test_an_employee_of_a_suspended_member_cannot_answer(survey, areas, employee_a, org_a):
    org_a.membership_status = "suspended"
    org_a.save()
    with pytest.raises(ValidationError):
        answer(survey, employee_a, [areas["health"]])


def test_the_profile_invites_employees_to_answer(client, survey, employee_a, unaffiliated):
    client.force_login(employee_a)
    assert 'id="needs-survey-callout"' in client.get(reverse("account:profile")).content.decode()
    client.force_login(unaffiliated)
    assert (
        'id="needs-survey-callout"' not in client.get(reverse("account:profile")).content.decode()
    )


# --- Needs against supply ------------------------------------------------------------------------


@pytest.fixture
def answered(survey, areas, org_a, org_b):
    """Alfa: 6 answers (5 ask for childhood, 2 for health); Beta: 3 answers (all health).

    On offer to everybody: 1 childhood service, 3 health services; one care service reserved
    to Beta's employees.
    """
    for index, person in enumerate(employees(org_a, 6, "a")):
        wanted = [areas["childhood"]] if index < 5 else []
        if index in (0, 5):
            wanted.append(areas["health"])
        answer(survey, person, wanted, bands=["0-3"] if index < 5 else ["6-11"])
    for person in employees(org_b, 3, "b"):
        answer(survey, person, [areas["health"]])
    factories.make_service(org_a, category=areas["childhood"], slug="nido")
    for index in range(3):
        factories.make_service(org_b, category=areas["health"], slug=f"salute-{index}")
    reserved = factories.make_service(
        org_a,
        category=areas["care"],
        slug="anziani-beta",
        eligibility=WelfareService.Eligibility.CHOSEN_PARTNERS,
    )
    reserved.eligible_organizations.add(org_b)
    return survey


def test_the_network_report_sets_needs_against_supply(answered, areas):
    report = needs_report(answered)
    assert report.answer_count == 9
    by_area = {gap.category.slug: gap for gap in report.gaps}
    childhood, health, care = by_area["infanzia"], by_area["salute"], by_area["anziani"]
    assert (childhood.needs, childhood.services) == (5, 1)
    assert (health.needs, health.services) == (5, 3)
    assert (care.needs, care.services) == (None, 1)  # nobody asked: 0, shown as under 5
    # Childhood: 5/9 of the answers, 1/5 of the services: the widest gap, first.
    assert report.gaps[0].category == areas["childhood"]
    assert childhood.much_asked_little_offered
    assert not health.much_asked_little_offered
    assert dict(report.age_bands)[str(AgeBand.INFANTS.label)] == 5
    assert dict(report.age_bands)[str(AgeBand.PRIMARY.label)] is None


def test_an_organisation_with_fewer_than_five_answers_is_not_broken_down(answered, org_b):
    report = needs_report(answered, org_b)
    assert report.answer_count == 3
    assert not report.shown
    assert all(gap.needs is None for gap in report.gaps)


def test_an_organisations_supply_is_what_its_employees_may_use(answered, areas, org_a, org_b):
    assert supply(org_b).filter(category=areas["care"]).count() == 1
    assert supply(org_a).filter(category=areas["care"]).count() == 0


def test_the_coordinator_reads_the_gaps_and_downloads_them(as_role, answered, org_a):
    client = as_role("coordinator")
    page = client.get(reverse("needs-results"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="needs-gaps"' in html
    assert page.context["report"].answer_count == 9
    by_org = client.get(reverse("needs-results"), {"organization": org_a.slug})
    assert by_org.context["report"].answer_count == 6
    unknown = client.get(reverse("needs-results"), {"organization": "nessuna"})
    assert unknown.context["unknown_organization"] is True

    export = client.get(reverse("needs-gaps-export"))
    assert export.status_code == 200
    # An Italian page: semicolon-separated, as Italian Excel expects (common.csv_export).
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    scopes = {row[0] for row in rows[1:]}
    assert len(scopes) == 3  # the network, Alfa, Beta
    beta_rows = [row for row in rows[1:] if row[0] == "Organizzazione Beta"]
    assert all("5" in row[3] for row in beta_rows)  # "fewer than 5" / "meno di 5"


@pytest.mark.parametrize("role", ["employee_a", "referent_a", "unaffiliated"])
def test_only_the_coordinator_reads_the_needs(as_role, answered, role):
    assert as_role(role).get(reverse("needs-results")).status_code == 403
    assert as_role(role).get(reverse("needs-gaps-export")).status_code == 403


# --- Back office -----------------------------------------------------------------------------


def test_the_coordinator_opens_a_survey_in_the_back_office(coordinator_client):
    url = builders.admin_url(NeedsSurvey, "add")
    data = page_data(coordinator_client.get(url))
    data.update({"year": "2031", "opens_on": "2031-03-01", "closes_on": "2031-03-31"})
    response = coordinator_client.post(url, data)
    assert response.status_code == 302
    survey = NeedsSurvey.objects.get(year=2031)
    assert LogEntry.objects.filter(object_id=str(survey.pk)).exists()


def test_a_survey_cannot_close_before_it_opens(coordinator_client):
    url = builders.admin_url(NeedsSurvey, "add")
    data = page_data(coordinator_client.get(url))
    data.update({"year": "2031", "opens_on": "2031-03-31", "closes_on": "2031-03-01"})
    response = coordinator_client.post(url, data)
    assert response.status_code == 200
    assert not NeedsSurvey.objects.exists()


def test_an_answer_never_names_a_person_in_the_back_office(answered):
    from django.contrib import admin

    assert NeedsAnswer not in admin.site._registry
    assert Affiliation.objects.count() >= 9
