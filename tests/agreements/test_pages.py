"""The agreements: list, detail with signatories and chain, signed PDF download."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from agreements.models import Agreement, Signature
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def detail(agreement, language="en"):
    with translation.override(language):
        return agreement.get_absolute_url()


def document_url(agreement):
    return f"/accordi/{agreement.slug}/documento.pdf"


def with_document(**fields):
    agreement = factories.make_agreement(**fields)
    agreement.document = SimpleUploadedFile("firmato.pdf", PDF, content_type="application/pdf")
    agreement.save()
    return agreement


def make_chain():
    """The real chain: 2014 area agreement -> 2017 -> 10 Oct 2018 -> 19 Mar 2019."""
    collina = factories.make_agreement(
        title="Accordo Collina Est",
        slug="collina-est",
        signed_on=date(2014, 6, 1),
        signed_on_precision="month",
    )
    partenariato_2017 = factories.make_agreement(
        title="Partenariato 2017",
        slug="partenariato-2017",
        kind=Agreement.Kind.PARTNERSHIP,
        signed_on=date(2017, 4, 10),
        predecessor=collina,
    )
    area_2018 = factories.make_agreement(
        title="Area 2018",
        slug="area-2018",
        signed_on=date(2018, 10, 10),
        predecessor=partenariato_2017,
    )
    partenariato_2019 = factories.make_agreement(
        title="Partenariato 2019",
        slug="partenariato-2019",
        kind=Agreement.Kind.PARTNERSHIP,
        signed_on=date(2019, 3, 19),
        predecessor=area_2018,
    )
    return collina, partenariato_2017, area_2018, partenariato_2019


def test_list_shows_public_agreements_newest_first(client, db):
    make_chain()
    factories.make_agreement(title="Accordo riservato", is_public=False)
    for language, path in [("en", "/en/accordi/"), ("it", "/accordi/")]:
        response = client.get(path)
        assert response.status_code == 200, language
    html = response.content.decode()
    assert html.index("Partenariato 2019") < html.index("Area 2018") < html.index("Collina Est")
    assert "Accordo riservato" not in html


def test_list_counts_signatories_still_in_the_agreement(client, db):
    organizations = [factories.make_organization() for _ in range(3)]
    agreement = factories.make_agreement(title="Accordo", signatories=organizations)
    Signature.objects.filter(agreement=agreement, organization=organizations[0]).update(
        withdrawn_on=date(2020, 1, 1)
    )
    html = client.get("/en/accordi/").content.decode()
    assert '<dd class="d-inline mb-0">2</dd>' in html


def test_list_has_an_empty_state(client, db):
    assert 'id="empty-state"' in client.get("/en/accordi/").content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "999", "99999999999999999999"])
def test_list_accepts_any_page_number(client, db, page):
    factories.make_agreement()
    assert client.get("/en/accordi/", {"page": page}).status_code == 200


def test_list_is_paginated_at_twenty(client, db):
    for n in range(21):
        factories.make_agreement(title=f"Accordo {n:02d}", signed_on=date(2000 + n, 1, 1))
    html = client.get("/en/accordi/").content.decode()
    assert html.count('<h2 class="card-title h5" lang="it">') == 20
    assert 'href="?page=2"' in html


@pytest.mark.parametrize("size", [5, 200])
def test_list_runs_a_fixed_number_of_queries(client, db, size, django_assert_max_num_queries):
    organization = factories.make_organization()
    for _ in range(size):
        factories.make_agreement(signatories=[organization])
    with django_assert_max_num_queries(10):
        assert client.get("/accordi/").status_code == 200


def test_detail_shows_kind_date_and_signatories_with_their_dates(client, db):
    fbk = factories.make_organization("Fondazione Bruno Kessler", slug="fbk")
    unitn = factories.make_organization("Università degli Studi di Trento", slug="unitn")
    gone = factories.make_organization("Receduta", slug="receduta", membership_status="withdrawn")
    agreement = factories.make_agreement(
        title="Accordo volontario di area del Distretto",
        slug="area-2018",
        signed_on=date(2018, 10, 10),
        summary="L'accordo costituisce il Distretto Family Audit di Trento.",
    )
    agreement.signatures.create(organization=fbk, signed_on=date(2018, 10, 10))
    agreement.signatures.create(organization=unitn, signed_on=date(2018, 10, 12))
    agreement.signatures.create(
        organization=gone, signed_on=date(2018, 10, 10), withdrawn_on=date(2021, 5, 3)
    )
    response = client.get("/en/accordi/area-2018/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 lang="it">Accordo volontario di area del Distretto</h1>' in html
    assert "L&#x27;accordo costituisce il Distretto" in html
    with translation.override("en"):
        assert str(Agreement.Kind.AREA.label) in html
    assert 'datetime="2018-10-10"' in html and 'datetime="2018-10-12"' in html
    assert 'datetime="2021-05-03"' in html
    with translation.override("en"):
        assert f'href="{fbk.get_absolute_url()}"' in html
        assert f'href="{gone.get_absolute_url()}"' not in html
    assert "Receduta" in html


def test_detail_shows_the_whole_chain_of_agreements(client, db):
    collina, partenariato_2017, area_2018, partenariato_2019 = make_chain()
    html = client.get(detail(area_2018)).content.decode()
    chain = html[html.index('id="agreement-chain"') :]
    chain = chain[: chain.index("</ol>")]
    positions = [
        chain.index(title)
        for title in ["Accordo Collina Est", "Partenariato 2017", "Area 2018", "Partenariato 2019"]
    ]
    assert positions == sorted(positions)
    assert '<li aria-current="page"><strong lang="it">Area 2018</strong>' in chain
    assert f'href="{detail(partenariato_2017)}" rel="prev"' in html
    assert f'href="{detail(partenariato_2019)}" rel="next"' in html


def test_the_chain_skips_private_agreements_but_goes_on(client, db):
    collina, partenariato_2017, area_2018, partenariato_2019 = make_chain()
    Agreement.objects.filter(pk=partenariato_2017.pk).update(is_public=False)
    html = client.get(detail(area_2018)).content.decode()
    assert "Partenariato 2017" not in html
    assert f'href="{detail(collina)}" rel="prev"' in html


def test_an_agreement_known_to_the_month_shows_only_month_and_year(client, db):
    collina, *_ = make_chain()
    html = client.get(detail(collina)).content.decode()
    assert "June 2014" in html
    assert "June 1, 2014" not in html


def test_an_agreement_alone_has_no_chain_section(client, db):
    agreement = factories.make_agreement()
    assert 'id="agreement-chain"' not in client.get(detail(agreement)).content.decode()


def test_private_and_unknown_agreements_are_not_found(client, db):
    private = factories.make_agreement(is_public=False)
    assert client.get(detail(private)).status_code == 404
    assert client.get("/accordi/nessuno/").status_code == 404
    assert client.get("/en/accordi/nessuno/").status_code == 404


@pytest.mark.parametrize("size", [5, 200])
def test_detail_runs_a_fixed_number_of_queries(client, db, size, django_assert_max_num_queries):
    previous = None
    for _ in range(size):
        previous = factories.make_agreement(predecessor=previous, signed_on=date(2014, 1, 1))
    for _ in range(size):
        previous.signatures.create(
            organization=factories.make_organization(), signed_on=date(2014, 1, 1)
        )
    with django_assert_max_num_queries(10):
        response = client.get(detail(previous, "it"))
    assert response.status_code == 200


def test_the_signed_pdf_of_a_public_agreement_can_be_downloaded(client, db):
    agreement = with_document(slug="area-2018")
    html = client.get(detail(agreement)).content.decode()
    assert 'href="/en/accordi/area-2018/documento.pdf"' in html
    response = client.get(document_url(agreement))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert 'filename="area-2018.pdf"' in response["Content-Disposition"]
    assert client.get(f"/en{document_url(agreement)}").status_code == 200


@pytest.mark.parametrize(
    "fields", [{"document_is_public": False}, {"is_public": False}], ids=["document", "agreement"]
)
def test_a_private_document_is_not_found(client, db, fields):
    agreement = with_document(**fields)
    assert client.get(document_url(agreement)).status_code == 404
    if agreement.is_public:
        assert "documento.pdf" not in client.get(detail(agreement)).content.decode()


def test_an_agreement_without_document_has_no_download(client, db):
    agreement = factories.make_agreement()
    assert client.get(document_url(agreement)).status_code == 404
    assert 'id="document-download"' not in client.get(detail(agreement)).content.decode()


def test_a_document_missing_from_storage_is_not_found(client, db):
    agreement = with_document()
    agreement.document.storage.delete(agreement.document.name)
    assert client.get(document_url(agreement)).status_code == 404


def test_agreement_pages_refuse_writes(client, db):
    agreement = with_document()
    for path in ["/accordi/", detail(agreement), document_url(agreement)]:
        assert client.post(path).status_code == 405
