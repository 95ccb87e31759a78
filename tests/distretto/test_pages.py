"""The site's own pages: home, who we are, accessibility, privacy, errors, sitemap, robots."""

import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from distretto import views
from meetings.models import Meeting
from partners.models import Organization
from services.models import WelfareService
from tests import factories

PUBLIC_PAGES = [
    ("home", {}),
    ("about", {}),
    ("accessibility", {}),
    ("privacy", {}),
    ("partners:organization-list", {}),
    ("agreements:agreement-list", {}),
    ("meetings:programme", {}),
]


def url(name, language="it", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def make_district(size):
    """`size` partners, each with one public service, a certification and a signature."""
    category = factories.make_category()
    agreement = factories.make_agreement(title="Accordo di area", slug="accordo-di-area")
    for n in range(size):
        organization = factories.make_organization(f"Partner {n:03d}", slug=f"partner-{n:03d}")
        factories.make_certification(organization)
        factories.make_service(organization, category=category, is_featured=n % 3 == 0)
        agreement.signatures.create(organization=organization, signed_on=agreement.signed_on)
    group = factories.make_group(name="Gruppo di lavoro", slug="gruppo")
    factories.make_meeting(group, title="Prossimo incontro")
    return agreement


@pytest.mark.parametrize(("name", "kwargs"), PUBLIC_PAGES)
@pytest.mark.parametrize("language", ["it", "en"])
def test_every_site_page_answers_visitors_in_both_languages(client, db, name, kwargs, language):
    response = client.get(url(name, language, **kwargs))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert html.count("<h1") == 1
    assert '<main id="main"' in html


@pytest.mark.parametrize(("name", "kwargs"), PUBLIC_PAGES)
def test_every_page_has_canonical_and_hreflang_alternates(client, db, name, kwargs):
    italian, english = url(name, "it", **kwargs), url(name, "en", **kwargs)
    html = client.get(english).content.decode()
    assert f'<link rel="canonical" href="{settings.SITE_URL}{english}">' in html
    assert f'hreflang="it" href="{settings.SITE_URL}{italian}"' in html
    assert f'hreflang="en" href="{settings.SITE_URL}{english}"' in html
    assert f'hreflang="x-default" href="{settings.SITE_URL}{italian}"' in html


@pytest.mark.parametrize(("name", "kwargs"), PUBLIC_PAGES)
def test_pages_need_no_inline_script_or_style(client, db, name, kwargs):
    html = client.get(url(name, **kwargs)).content.decode()
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert "<style" not in html
    assert re.search(r"\sstyle=", html) is None


def test_pages_load_bootstrap_italia_and_the_site_files_from_static(client, db):
    html = client.get("/").content.decode()
    static = (
        settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    )
    for path in [
        "bootstrap-italia/css/bootstrap-italia.min.css",
        "css/fonts.css",
        "bootstrap-italia/js/bootstrap-italia.min.js",
        "js/site.js",
    ]:
        assert f'"{static}{path}"' in html
    assert "//cdn" not in html


def test_pages_defer_their_scripts_and_preload_the_title_font(client, db):
    """Nothing holds the first paint back but the stylesheets (issue 10, light on a phone)."""
    html = client.get("/").content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(" defer" in tag for tag in scripts), scripts
    assert re.search(
        r'<link rel="preload" href="[^"]*titillium-web-[^"]*-700\.woff2" as="font" '
        r'type="font/woff2" crossorigin>',
        html,
    )


def test_the_language_switcher_keeps_the_page_and_its_filters(client, db):
    html = client.get("/partner/?kind=foundation").content.decode()
    assert 'href="/en/partner/?kind=foundation" hreflang="en"' in html
    html = client.get("/en/partner/?kind=foundation").content.decode()
    assert 'href="/partner/?kind=foundation" hreflang="it"' in html


def test_the_main_navigation_marks_the_current_section(client, db):
    factories.make_organization("Fondazione Uno", slug="fondazione-uno")
    directory = url("partners:organization-list", "en")
    html = client.get(directory).content.decode()
    assert f'href="{directory}" aria-current="page"' in html
    html = client.get(url("partners:organization-detail", "en", slug="fondazione-uno")).content
    assert f'href="{directory}" aria-current="true"'.encode() in html


def test_header_and_footer_carry_the_district_and_the_comune(client, db):
    factories.make_organization(
        "Comune di Trento",
        slug="comune-di-trento",
        kind=Organization.Kind.PUBLIC_BODY,
        role=Organization.Role.INSTITUTIONAL,
        address="Via Belenzani 19, 38122 Trento",
        contact_email="distretto@comune.trento.example",
    )
    html = client.get("/en/").content.decode()
    assert "it-header-slim-wrapper" in html and "it-footer" in html
    assert "Via Belenzani 19, 38122 Trento" in html
    assert "mailto:distretto@comune.trento.example" in html
    assert f'href="{url("accessibility", "en")}"' in html
    assert f'href="{url("privacy", "en")}"' in html


def test_home_counts_the_district_organisations_and_the_services_a_visitor_can_see(client, db):
    alfa = factories.make_organization("Alfa")
    factories.make_organization("Beta")
    factories.make_organization(
        "Comune", kind=Organization.Kind.PUBLIC_BODY, role=Organization.Role.INSTITUTIONAL
    )
    factories.make_organization("Candidata", membership_status="applicant")
    factories.make_organization("Sospesa", membership_status="suspended")
    factories.make_service(alfa)
    factories.make_service(alfa)
    factories.make_service(alfa, status=WelfareService.Status.DRAFT)
    factories.make_service(alfa, eligibility=WelfareService.Eligibility.ALL_PARTNERS)
    html = client.get("/en/").content.decode()
    # Alfa, Beta, the Comune and the suspended member: what the partners page lists.
    assert 'id="partner-count">4<' in html
    assert "organisations of the district" in html
    assert 'id="service-count">2<' in html
    directory = client.get("/en/partner/").content.decode()
    assert "4 organisations" in directory


def test_home_features_only_services_the_user_may_see(client, employee_a, org_a):
    factories.make_service(org_a, title="Centro estivo aperto", is_featured=True)
    factories.make_service(
        org_a,
        title="Convenzione riservata",
        is_featured=True,
        eligibility=WelfareService.Eligibility.ALL_PARTNERS,
    )
    factories.make_service(
        org_a, title="Bozza in evidenza", is_featured=True, status=WelfareService.Status.DRAFT
    )
    html = client.get("/en/").content.decode()
    assert "Centro estivo aperto" in html
    assert "Convenzione riservata" not in html
    assert "Bozza in evidenza" not in html
    client.force_login(employee_a)
    html = client.get("/en/").content.decode()
    assert "Convenzione riservata" in html
    assert "Bozza in evidenza" not in html


def test_home_lists_recently_updated_services_linked_to_their_page(client, org_a):
    service = factories.make_service(org_a, title="Sportello famiglie", slug="sportello")
    html = client.get("/en/").content.decode()
    assert 'id="recent-services"' in html
    with translation.override("en"):
        assert f'href="{service.get_absolute_url()}"' in html


def test_home_shows_the_next_meeting_of_the_working_group_not_of_a_subgroup(client, db):
    now = timezone.now()
    group = factories.make_group(name="Gruppo di lavoro")
    subgroup = factories.make_group(name="Sotto-gruppo", parent=group)
    factories.make_meeting(
        subgroup, title="Riunione del sotto-gruppo", starts_at=now + timedelta(1)
    )
    factories.make_meeting(
        group,
        title="Incontro annullato",
        starts_at=now + timedelta(2),
        status=Meeting.Status.CANCELLED,
    )
    factories.make_meeting(group, title="Incontro passato", starts_at=now - timedelta(30))
    factories.make_meeting(
        group, title="Incontro trimestrale", starts_at=now + timedelta(10), place="Sala FBK"
    )
    factories.make_meeting(group, title="Incontro successivo", starts_at=now + timedelta(100))
    html = client.get("/en/").content.decode()
    section = html[html.index('id="next-meeting"') :]
    section = section[: section.index("</section>")]
    assert "Incontro trimestrale" in section and "Sala FBK" in section
    for other in ["sotto-gruppo", "annullato", "passato", "successivo"]:
        assert other not in section
    assert "/incontri/" not in html


def test_home_says_when_no_meeting_is_scheduled(client, db):
    html = client.get("/en/").content.decode()
    assert "No meeting is scheduled" in html


def test_home_shows_the_latest_public_agreement(client, db):
    factories.make_agreement(title="Accordo del 2018", signed_on=date(2018, 10, 10))
    factories.make_agreement(title="Accordo del 2019", signed_on=date(2019, 3, 19))
    factories.make_agreement(title="Bozza riservata", signed_on=date(2020, 1, 1), is_public=False)
    html = client.get("/en/").content.decode()
    section = html[html.index('id="latest-agreement"') :]
    assert "Accordo del 2019" in section
    assert "Bozza riservata" not in html


@pytest.mark.parametrize("size", [5, 200])
def test_home_runs_a_fixed_number_of_queries(client, db, size, django_assert_max_num_queries):
    make_district(size)
    with django_assert_max_num_queries(10):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("size", [5, 200])
def test_home_queries_stay_fixed_for_a_logged_in_employee(
    client, db, size, django_assert_max_num_queries
):
    make_district(size)
    user = factories.make_user()
    factories.affiliate(user, Organization.objects.first())
    client.force_login(user)
    # On a cold cache: the two counts are cached afterwards.
    with django_assert_max_num_queries(11):
        assert client.get("/").status_code == 200


def test_about_tells_the_history_as_a_dated_timeline(client, db):
    html = client.get("/en/distretto/").content.decode()
    assert "it-timeline-wrapper" in html
    for stamp in ["2014-06", "2017-04-10", "2018-10-08", "2018-10-10", "2019-03-19"]:
        assert f'datetime="{stamp}"' in html
    assert html.index('datetime="2014-06"') < html.index('datetime="2019-03-19"')
    assert "June 2014" in html


def test_about_links_milestones_to_their_published_agreements(client, db):
    founding = factories.make_agreement(
        title="Accordo volontario di area 2018", slug="area-2018", signed_on=date(2018, 10, 10)
    )
    collina = factories.make_agreement(
        title="Accordo Collina Est",
        slug="collina-est",
        signed_on=date(2014, 6, 17),
        signed_on_precision="month",
    )
    factories.make_agreement(
        title="Accordo riservato", slug="riservato", signed_on=date(2019, 3, 19), is_public=False
    )
    html = client.get("/en/distretto/").content.decode()
    with translation.override("en"):
        assert f'href="{founding.get_absolute_url()}"' in html
        assert f'href="{collina.get_absolute_url()}"' in html
    assert "riservato" not in html


def test_about_describes_the_governance_with_groups_and_the_comune(client, db):
    comune = factories.make_organization(
        "Comune di Trento",
        slug="comune-di-trento",
        kind=Organization.Kind.PUBLIC_BODY,
        role=Organization.Role.INSTITUTIONAL,
    )
    group = factories.make_group(name="Gruppo di lavoro del Distretto", coordinator=comune)
    factories.make_group(name="Sotto-gruppo servizi 0–14", parent=group)
    html = client.get("/en/distretto/").content.decode()
    assert "Gruppo di lavoro del Distretto" in html
    assert "Sotto-gruppo servizi 0–14" in html
    with translation.override("en"):
        assert f'href="{comune.get_absolute_url()}"' in html


@pytest.mark.parametrize("size", [5, 200])
def test_about_runs_a_fixed_number_of_queries(client, db, size, django_assert_max_num_queries):
    make_district(size)
    parent = factories.make_group(name="Gruppo principale")
    for n in range(size // 5):
        factories.make_group(name=f"Sotto-gruppo {n}", parent=parent)
    with django_assert_max_num_queries(10):
        assert client.get("/distretto/").status_code == 200


def test_accessibility_statement_gives_status_feedback_and_enforcement(client, db):
    html = client.get("/en/accessibilita/").content.decode()
    assert "partially compliant" in html
    assert "form.agid.gov.it" in html
    assert 'id="feedback"' in html


def test_privacy_notice_names_only_technical_cookies(client, db):
    html = client.get("/en/privacy/").content.decode()
    assert "technical cookies" in html
    assert "garanteprivacy.it" in html


def test_unknown_address_is_a_404_in_the_site_style(client, db):
    response = client.get("/en/pagina-che-non-esiste/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "it-header-wrapper" in html and "Page not found" in html
    assert '<meta name="robots" content="noindex">' in html


def test_a_forbidden_page_is_a_403_in_the_site_style(client, unaffiliated, org_b):
    # Somebody of no partner organisation may see a public service but not ask for it.
    service = factories.make_service(org_b, eligibility=WelfareService.Eligibility.EVERYONE)
    client.force_login(unaffiliated)
    with translation.override("en"):
        url = reverse("services:service-request", kwargs={"slug": service.slug})
    response = client.post(url, {"kind": "booking", "message": "Hello."})
    assert response.status_code == 403
    html = response.content.decode()
    assert "it-header-wrapper" in html and "Access not allowed" in html
    assert '<meta name="robots" content="noindex">' in html


def test_server_error_page_renders_without_database_or_request(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "500" in html and "bootstrap-italia.min.css" in html


def test_handlers_are_the_site_views():
    from distretto import urls

    assert urls.handler400 == "distretto.views.bad_request"
    assert urls.handler403 == "distretto.views.permission_denied"
    assert urls.handler404 == "distretto.views.page_not_found"
    assert urls.handler500 == "distretto.views.server_error"


def test_robots_txt_points_to_the_sitemap_and_keeps_private_areas_out(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in text
    for path in ["/admin/", "/account/", "/area-partner/", "/en/area-partner/"]:
        assert f"Disallow: {path}\n" in text
    assert client.get("/en/robots.txt").status_code == 404


def test_sitemap_lists_public_services_partners_and_agreements_in_both_languages(client, db):
    active = factories.make_organization("Attiva", slug="attiva")
    factories.make_organization("Candidata", slug="candidata", membership_status="applicant")
    factories.make_organization("Receduta", slug="receduta", membership_status="withdrawn")
    factories.make_service(active, slug="aperto-a-tutti")
    factories.make_service(
        active, slug="riservato", eligibility=WelfareService.Eligibility.ALL_PARTNERS
    )
    factories.make_service(active, slug="bozza", status=WelfareService.Status.DRAFT)
    factories.make_agreement(slug="accordo-pubblico")
    factories.make_agreement(slug="accordo-privato", is_public=False)

    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    xml = ""
    for location in re.findall(r"<loc>([^<]+)</loc>", index.content.decode()):
        response = client.get(location.removeprefix(settings.SITE_URL))
        assert response.status_code == 200
        xml += response.content.decode()
    site = settings.SITE_URL
    for path in [
        "/",
        "/distretto/",
        "/partner/attiva/",
        "/servizi/aperto-a-tutti/",
        "/accordi/accordo-pubblico/",
        "/programma/",
        "/aderisci/",
        "/accessibilita/",
        "/privacy/",
    ]:
        assert f"<loc>{site}{path}</loc>" in xml
        assert f"<loc>{site}/en{path}</loc>" in xml
    assert 'hreflang="x-default"' in xml
    for hidden in ["candidata", "receduta", "riservato", "bozza", "accordo-privato"]:
        assert hidden not in xml


@pytest.mark.parametrize("size", [5, 200])
def test_sitemap_runs_a_fixed_number_of_queries(client, db, size, django_assert_max_num_queries):
    make_district(size)
    with django_assert_max_num_queries(10):
        response = client.get("/sitemap.xml")
    assert response.status_code == 200
    with django_assert_max_num_queries(6):
        response = client.get("/sitemap-services.xml")
    assert response.status_code == 200
    assert response.content.decode().count("/servizi/") >= size * 2


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_site_pages_refuse_writes(client, db, method):
    assert getattr(client, method)("/distretto/").status_code == 405


def test_home_is_not_a_500_with_odd_query_strings(client, db):
    assert client.get("/?page=abc&kind=%01").status_code == 200
    # Refused before the view (common.middleware): PostgreSQL cannot hold a NUL.
    assert client.get("/?page=abc&kind=%00").status_code == 400


def test_translated_year_month_dates_keep_their_precision(db):
    from distretto.templatetags.distretto_tags import precise_date

    with translation.override("en"):
        assert precise_date(date(2014, 6, 17), "year") == "2014"
        assert precise_date(date(2014, 6, 17), "month") == "June 2014"
        assert "17" in precise_date(date(2014, 6, 17), "day")
    assert precise_date(None) == ""


def test_institutional_contact_is_none_without_an_institution(db, rf):
    from distretto.context_processors import site

    context = site(rf.get("/"))
    assert not context["site_contact"]
    assert context["SITE_URL"] == settings.SITE_URL
