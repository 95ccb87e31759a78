"""The district's yearly report: its figures against a known data set, the PDF and the
spreadsheets, the management command and the coordinator's download."""

import datetime
import zipfile
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from openpyxl import load_workbook
from pypdf import PdfReader

from agreements.models import Signature
from distretto import report
from distretto.report import data
from meetings.models import Action, Attendance, Meeting, ProgressNote
from partners.models import Certification, Organization
from services.models import ServiceRequest, WelfareService
from tests import factories

YEAR = 2026
# Read a year that is over: the certificates' state on 31 December 2026.
AFTER_THE_YEAR = datetime.date(2027, 1, 15)


def _moment(day: datetime.date, hour=10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _request(service, organization, day, status=ServiceRequest.Status.OPEN):
    made = ServiceRequest.objects.create(
        service=service, requester=None, requester_organization=organization, status=status
    )
    ServiceRequest.objects.filter(pk=made.pk).update(created_at=_moment(day))


def _meeting(group, day, status=Meeting.Status.HELD, **attendance):
    meeting = factories.make_meeting(
        group, starts_at=_moment(day), title=f"Incontro {day.isoformat()}", status=status
    )
    for organization, answer in attendance.values():
        Attendance.objects.create(meeting=meeting, organization=organization, status=answer)
    return meeting


@pytest.fixture
def district(db):
    """Five active members and a suspended one, with a known year 2026 (see each block)."""
    alfa = factories.make_organization("Alfa", slug="r-alfa", kind=Organization.Kind.COMPANY)
    beta = factories.make_organization(
        "Beta",
        slug="r-beta",
        kind=Organization.Kind.COOPERATIVE,
        joined_on=datetime.date(2026, 3, 1),
    )
    gamma = factories.make_organization("Gamma", slug="r-gamma")
    delta = factories.make_organization("Delta", slug="r-delta")
    epsilon = factories.make_organization("Epsilon", slug="r-epsilon")
    suspended = factories.make_organization(
        "Sospesa", slug="r-sospesa", membership_status=Organization.MembershipStatus.SUSPENDED
    )

    # Certificates: Alfa valid (an older, expired step does not count), Beta's Executive
    # expires within 90 days of 31/12/2026, Gamma's maintenance expired in June, Delta is in
    # the process, Epsilon has no certification.
    factories.make_certification(
        alfa,
        status=Certification.Status.EXPIRED,
        registered_on=datetime.date(2012, 1, 1),
        granted_on=datetime.date(2013, 1, 1),
        expires_on=datetime.date(2016, 1, 1),
    )
    factories.make_certification(alfa, expires_on=datetime.date(2028, 1, 1))
    factories.make_certification(
        beta, phase=Certification.Phase.EXECUTIVE, expires_on=datetime.date(2027, 2, 15)
    )
    factories.make_certification(
        gamma, phase=Certification.Phase.MAINTENANCE, expires_on=datetime.date(2026, 6, 30)
    )
    factories.make_certification(
        delta,
        phase=Certification.Phase.PROCESS,
        status=Certification.Status.IN_PROGRESS,
        granted_on=None,
        expires_on=None,
    )
    factories.make_certification(suspended)

    # Agreements: one of 2026 signed by Alfa, Beta, Gamma (Gamma withdrew in September);
    # Delta signed the 2025 agreement in 2026; the 2025 agreement and its 2025 signatures
    # are not of the year.
    factories.make_agreement(
        title="Accordo di area 2026",
        signed_on=datetime.date(2026, 2, 10),
        signatories=[alfa, beta, gamma],
    )
    Signature.objects.filter(organization=gamma).update(withdrawn_on=datetime.date(2026, 9, 1))
    older = factories.make_agreement(
        title="Accordo 2025", signed_on=datetime.date(2025, 5, 5), signatories=[alfa, epsilon]
    )
    Signature.objects.create(
        agreement=older, organization=delta, signed_on=datetime.date(2026, 4, 4)
    )

    # Meetings: two held in 2026 (Alfa at both; Beta at one, excused at the other; Gamma
    # absent at both; Delta invited, never recorded), one still scheduled, one of 2025.
    group = factories.make_group(name="Gruppo di lavoro")
    present, excused, absent = (
        Attendance.Status.ATTENDED,
        Attendance.Status.EXCUSED,
        Attendance.Status.ABSENT,
    )
    _meeting(
        group, datetime.date(2026, 3, 15), a=(alfa, present), b=(beta, excused), g=(gamma, absent)
    )
    _meeting(
        group,
        datetime.date(2026, 6, 15),
        a=(alfa, present),
        b=(beta, present),
        g=(gamma, absent),
        d=(delta, Attendance.Status.INVITED),
    )
    _meeting(group, datetime.date(2026, 12, 20), status=Meeting.Status.SCHEDULED, a=(alfa, present))
    _meeting(group, datetime.date(2025, 11, 11), a=(alfa, present), b=(beta, present))

    # The 2026 programme: one action in progress (two notes), one done, one planned; the
    # 2025 programme's action does not count.
    programme = factories.make_programme(YEAR, title="Programma di lavoro 2026")
    desk = factories.make_action(
        programme,
        alfa,
        title="Sportello conciliazione",
        status=Action.Status.IN_PROGRESS,
        position=1,
    )
    desk.partners.add(beta)
    ProgressNote.objects.create(
        action=desk,
        written_on=datetime.date(2026, 4, 1),
        text="Avviato lo sportello",
        organization=alfa,
    )
    ProgressNote.objects.create(
        action=desk,
        written_on=datetime.date(2026, 7, 1),
        text="Primi 20 accessi",
        organization=beta,
    )
    factories.make_action(
        programme, beta, title="Formazione referenti", status=Action.Status.COMPLETED, position=2
    )
    factories.make_action(programme, gamma, title="Mappa dei servizi", position=3)
    factories.make_action(factories.make_programme(2025), alfa, title="Azione del 2025")

    # Services: Alfa offers two (and a draft), Beta one, the suspended member one (not
    # counted). In 2026 Alfa's employees asked Beta 3 times (2 answered), Beta's asked
    # Alfa 4 times (3 answered), Gamma's asked Alfa once; Alfa asking itself, and 2025,
    # do not count.
    nursery = factories.make_service(alfa, title="Nido aziendale")
    gym = factories.make_service(alfa, title="Palestra")
    factories.make_service(
        alfa, title="Bozza", status=WelfareService.Status.DRAFT, published_at=None
    )
    counselling = factories.make_service(beta, title="Consulenza")
    factories.make_service(suspended, title="Di Sospesa")
    day = datetime.date(2026, 5, 5)
    accepted, declined = ServiceRequest.Status.ACCEPTED, ServiceRequest.Status.DECLINED
    for status in (accepted, accepted, ServiceRequest.Status.OPEN):
        _request(counselling, alfa, day, status)
    for status in (declined, accepted, accepted, ServiceRequest.Status.OPEN):
        _request(nursery, beta, day, status)
    _request(gym, gamma, datetime.date(2026, 12, 31))
    _request(gym, alfa, day)
    _request(nursery, beta, datetime.date(2025, 12, 31))
    return {"alfa": alfa, "beta": beta, "gamma": gamma, "delta": delta, "epsilon": epsilon}


def _report(language="en"):
    with translation.override(language):
        return data.yearly_report(YEAR, today=AFTER_THE_YEAR)


# --- The figures ---------------------------------------------------------------------------


def test_the_members_are_the_active_ones_with_their_current_phase_and_certificate(district):
    result = _report()
    assert result.as_of == datetime.date(2026, 12, 31)
    assert [
        (m.name, m.phase, m.certificate_state, m.expires_on, m.joined_this_year)
        for m in result.members
    ] == [
        ("Alfa", "family_audit", "valid", datetime.date(2028, 1, 1), False),
        ("Beta", "executive", "expiring", datetime.date(2027, 2, 15), True),
        ("Delta", "process", "in_progress", None, False),
        ("Epsilon", "", "none", None, False),
        ("Gamma", "maintenance", "expired", datetime.date(2026, 6, 30), False),
    ]
    assert result.member_count == 5
    assert result.members_joined == 1
    assert result.phase_counts == [
        ("Certification process", 1),
        ("Family Audit certificate", 1),
        ("Family Audit Executive certificate", 1),
        ("Maintenance", 1),
        ("No current certification", 1),
    ]
    assert dict(result.certificate_counts) == {
        "Expired": 1,
        "Expiring within 90 days": 1,
        "Valid": 1,
        "In progress": 1,
        "No current certification": 1,
    }


def test_while_the_year_runs_certificates_are_read_today(district):
    with translation.override("en"):
        result = data.yearly_report(YEAR, today=datetime.date(2026, 5, 1))
    states = {member.name: member.certificate_state for member in result.members}
    # Gamma's certificate expires on 30 June: within 90 days of 1 May, not yet expired.
    assert states["Gamma"] == "expiring"
    assert states["Beta"] == "valid"


def test_agreements_and_signatures_of_the_year_only(district):
    result = _report()
    assert [(a.title, a.signed_on, a.signatories) for a in result.agreements] == [
        ("Accordo di area 2026", datetime.date(2026, 2, 10), 2)
    ]
    assert [(s.agreement, s.organization, s.signed_on) for s in result.signatures] == [
        ("Accordo di area 2026", "Alfa", datetime.date(2026, 2, 10)),
        ("Accordo di area 2026", "Beta", datetime.date(2026, 2, 10)),
        ("Accordo di area 2026", "Gamma", datetime.date(2026, 2, 10)),
        ("Accordo 2025", "Delta", datetime.date(2026, 4, 4)),
    ]
    assert [(s.organization, s.withdrawn_on) for s in result.withdrawals] == [
        ("Gamma", datetime.date(2026, 9, 1))
    ]


def test_meetings_held_and_attendance_per_organisation(district):
    result = _report()
    assert result.meetings_held == 2
    assert [(m.starts_at.date(), m.present) for m in result.meetings] == [
        (datetime.date(2026, 3, 15), 1),
        (datetime.date(2026, 6, 15), 2),
    ]
    assert [
        (r.organization, r.present, r.excused, r.absent, r.rate) for r in result.attendance
    ] == [
        ("Alfa", 2, 0, 0, 100),
        ("Beta", 1, 1, 0, 50),
        ("Gamma", 0, 0, 2, 0),
    ]


def test_the_attendance_figures_are_those_of_the_coordinators_yearly_table(
    district, client, coordinator
):
    client.force_login(coordinator)
    page = client.get(reverse("meetings:attendance-report", args=[YEAR]))
    assert page.context["held"] == _report().meetings_held
    assert [(row["organization__name"], row["rate"]) for row in page.context["rows"]] == [
        (row.organization, row.rate) for row in _report().attendance
    ]


def test_programme_actions_with_status_and_progress(district):
    result = _report()
    assert result.programme_title == "Programma di lavoro 2026"
    assert [(a.title, a.status, a.lead, a.partners) for a in result.actions] == [
        ("Sportello conciliazione", "in_progress", "Alfa", ["Beta"]),
        ("Formazione referenti", "completed", "Beta", []),
        ("Mappa dei servizi", "planned", "Gamma", []),
    ]
    assert [(n.written_on, n.organization, n.text) for n in result.actions[0].notes] == [
        (datetime.date(2026, 7, 1), "Beta", "Primi 20 accessi"),
        (datetime.date(2026, 4, 1), "Alfa", "Avviato lo sportello"),
    ]
    assert result.action_status_counts == [
        ("Planned", 1),
        ("In progress", 1),
        ("Completed", 1),
        ("Dropped", 0),
    ]


def test_services_and_requests_per_partner_are_the_network_balance(district):
    result = _report()
    assert [
        (p.organization, p.services_offered, p.received, p.received_answered, p.sent)
        for p in result.partners
    ] == [
        ("Alfa", 2, 5, 3, 3),
        ("Beta", 1, 3, 2, 4),
        ("Delta", 0, 0, 0, 0),
        ("Epsilon", 0, 0, 0, 0),
        ("Gamma", 0, 0, 0, 1),
    ]
    assert (result.services_offered, result.total_requests, result.total_answered) == (3, 8, 5)


def test_a_year_without_anything_gives_an_empty_report(db):
    result = data.yearly_report(2019, today=AFTER_THE_YEAR)
    assert (result.member_count, result.meetings_held, result.actions, result.partners) == (
        0,
        0,
        [],
        [],
    )
    assert report.produce(2019, "pdf", "en").content.startswith(b"%PDF")


# --- The files -----------------------------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    """The document's text, its lines joined by single spaces (a sentence may wrap)."""
    reader = PdfReader(BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_pdf_has_the_sections_figures_and_charts_in_english(district):
    produced = report.produce(YEAR, "pdf", "en")
    assert produced.content_type == "application/pdf"
    assert produced.filename == "yearly-report-2026.pdf"
    reader = PdfReader(BytesIO(produced.content))
    assert reader.metadata.title == "Distretto Family Audit di Trento — Yearly report 2026"
    text = _pdf_text(produced.content)
    for heading in (
        "Yearly report 2026",
        "1. Members and their Family Audit phases",
        "2. Agreements and signatures",
        "3. Meetings and attendance",
        "4. The work programme",
        "5. Services offered and requests between partners",
        # The charts' titles.
        "Members per Family Audit phase",
        "Attendance per organisation",
        "Requests received per partner",
    ):
        assert heading in text, heading
    assert "5 active members" in text
    assert "2 meetings held in 2026." in text
    assert "3 services offered; 8 requests" in text
    assert "5 of them answered" in text
    for name in ("Accordo di area 2026", "Sportello conciliazione", "Primi 20 accessi"):
        assert name in text
    assert "Accordo 2025" in text  # Delta's 2026 signature of it
    assert "Azione del 2025" not in text


def test_the_italian_pdf_speaks_italian(district):
    produced = report.produce(YEAR, "pdf", "it")
    assert produced.filename == "rendicontazione-2026.pdf"
    text = _pdf_text(produced.content)
    # Labels the catalogue already translates: the phases and the statuses.
    assert "Certificato Family Audit" in text
    assert "Mantenimento" in text
    assert "Family Audit certificate" not in text


def test_the_xlsx_holds_the_figures_cell_by_cell(district):
    produced = report.produce(YEAR, "xlsx", "en")
    assert produced.filename == "yearly-report-2026.xlsx"
    workbook = load_workbook(BytesIO(produced.content))
    assert workbook.sheetnames == [
        "Summary",
        "Members",
        "Family Audit phases",
        "Agreements",
        "Signatures",
        "Meetings",
        "Attendance",
        "Programme",
        "Services and requests",
    ]
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)}
    assert summary["Active members"] == 5
    assert summary["Signatures in the year"] == 4
    assert summary["Meetings held"] == 2
    assert summary["Requests between partners"] == 8
    assert summary["Requests answered"] == 5
    services = list(workbook["Services and requests"].iter_rows(values_only=True))
    assert services[0] == (
        "Organisation",
        "Services offered",
        "Requests received",
        "of which answered",
        "Requests sent",
    )
    assert services[1:3] == [("Alfa", 2, 5, 3, 3), ("Beta", 1, 3, 2, 4)]
    attendance = list(workbook["Attendance"].iter_rows(values_only=True))
    assert attendance[1:] == [("Alfa", 2, 0, 0, 100), ("Beta", 1, 1, 0, 50), ("Gamma", 0, 0, 2, 0)]
    members = list(workbook["Members"].iter_rows(values_only=True))
    assert members[2][0] == "Beta"
    assert members[2][3] == "Family Audit Executive certificate"
    assert members[2][4] == "Expiring within 90 days"
    assert members[2][5].date() == datetime.date(2027, 2, 15)


def test_a_name_that_looks_like_a_formula_stays_text_in_the_xlsx(db):
    factories.make_organization('=HYPERLINK("http://evil.example")', slug="formula")
    workbook = load_workbook(BytesIO(report.produce(YEAR, "xlsx", "en").content))
    cell = workbook["Members"]["A2"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://evil.example")'


def _ods_rows(document, name):
    for table in document.spreadsheet.getElementsByType(Table):
        if table.getAttribute("name") == name:
            rows = []
            for row in table.getElementsByType(TableRow):
                cells = []
                for cell in row.getElementsByType(TableCell):
                    kind = cell.getAttribute("valuetype")
                    if kind == "float":
                        cells.append(int(float(cell.getAttribute("value"))))
                    elif kind == "date":
                        cells.append(cell.getAttribute("datevalue"))
                    else:
                        cells.append(str(cell) if kind else "")
                rows.append(cells)
            return rows
    raise AssertionError(f"no sheet {name}")


def test_the_ods_holds_the_same_figures_in_italian(district):
    produced = report.produce(YEAR, "ods", "it")
    assert produced.content_type == "application/vnd.oasis.opendocument.spreadsheet"
    assert zipfile.ZipFile(BytesIO(produced.content)).read("mimetype") == (
        b"application/vnd.oasis.opendocument.spreadsheet"
    )
    document = load_ods(BytesIO(produced.content))
    names = [table.getAttribute("name") for table in document.spreadsheet.getElementsByType(Table)]
    assert len(names) == 9
    services = _ods_rows(document, names[-1])
    assert services[1:3] == [["Alfa", 2, 5, 3, 3], ["Beta", 1, 3, 2, 4]]
    members = _ods_rows(document, names[1])
    assert members[2][0] == "Beta"
    assert members[2][2] == "2026-03-01"
    assert members[2][3] == "Certificato Family Audit Executive"


# --- The management command -----------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["pdf", "xlsx", "ods"])
def test_the_command_writes_the_file_in_the_format_of_its_name(district, tmp_path, suffix):
    output = tmp_path / f"report.{suffix}"
    call_command("district_report", "--year", str(YEAR), "--output", str(output))
    content = output.read_bytes()
    if suffix == "pdf":
        assert content.startswith(b"%PDF")
        assert "Certificato Family Audit" in _pdf_text(content)
    elif suffix == "xlsx":
        sheet = load_workbook(BytesIO(content)).worksheets[-1]
        assert [row[0].value for row in sheet.iter_rows(min_row=2)][:2] == ["Alfa", "Beta"]
    else:
        document = load_ods(BytesIO(content))
        assert len(document.spreadsheet.getElementsByType(Table)) == 9


def test_the_command_writes_english_when_asked(district, tmp_path):
    output = tmp_path / "report.pdf"
    call_command(
        "district_report", "--year", str(YEAR), "--output", str(output), "--language", "en"
    )
    assert "4. The work programme" in _pdf_text(output.read_bytes())


@pytest.mark.parametrize(
    "arguments",
    [
        ["--year", "1999", "--output", "r.pdf"],
        ["--year", "2999", "--output", "r.pdf"],
        ["--year", str(YEAR), "--output", "r.docx"],
    ],
)
def test_the_command_refuses_a_bad_year_or_format(db, tmp_path, arguments, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CommandError):
        call_command("district_report", *arguments)
    assert list(tmp_path.iterdir()) == []


# --- The coordinator's download ------------------------------------------------------------

URL = reverse("district-report")


def test_the_coordinator_downloads_the_pdf(district, client, coordinator):
    client.force_login(coordinator)
    response = client.get(URL, {"year": YEAR, "format": "pdf", "language": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="yearly-report-2026.pdf"'
    assert "no-cache" in response["Cache-Control"]
    assert "Requests received per partner" in _pdf_text(response.content)


@pytest.mark.parametrize(
    ("file_format", "content_type"),
    [
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ],
)
def test_the_coordinator_downloads_the_spreadsheets(
    district, client, coordinator, file_format, content_type
):
    client.force_login(coordinator)
    response = client.get(URL, {"year": YEAR, "format": file_format, "language": "it"})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="rendicontazione-{YEAR}.{file_format}"'
    )


def test_the_page_offers_the_form_with_this_year_and_the_pages_language(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/en" + URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["year"] == timezone.localdate().year
    assert form.initial["language"] == "en"
    assert b'name="format"' in response.content


def test_a_link_from_the_balance_page_chooses_the_year(client, coordinator):
    client.force_login(coordinator)
    response = client.get(URL, {"year": "2019"})
    assert response.status_code == 200
    assert response.context["form"].initial["year"] == 2019
    assert not response.context["form"].errors
    assert URL.encode() in client.get(reverse("balance-network")).content


def test_the_back_office_home_links_to_the_report(client, coordinator):
    client.force_login(coordinator)
    assert URL.encode() in client.get(reverse("admin:index")).content


@pytest.mark.parametrize(
    "query",
    [
        {"year": "1999", "format": "pdf", "language": "it"},
        {"year": "99999999999999999999", "format": "pdf", "language": "it"},
        {"year": "duemila", "format": "pdf", "language": "it"},
        {"year": str(YEAR), "format": "docx", "language": "it"},
        {"year": str(YEAR), "format": "pdf", "language": "xx"},
        {"format": "pdf"},
    ],
)
def test_bad_choices_get_a_clear_message_and_no_file(client, coordinator, query):
    client.force_login(coordinator)
    response = client.get("/en" + URL, query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b'id="report-errors"' in response.content
    assert response.context["form"].errors


def test_a_year_out_of_range_names_the_years_allowed(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/en" + URL, {"year": "1999", "format": "pdf", "language": "en"})
    this_year = timezone.localdate().year
    assert f"Choose a year between 2018 and {this_year}." in response.content.decode()


def test_visitors_are_sent_to_log_in(client):
    response = client.get(URL, {"year": YEAR, "format": "pdf", "language": "it"})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("role", ["unaffiliated", "employee_a", "referent_a"])
def test_nobody_but_the_coordinator_gets_the_report(as_role, role):
    response = as_role(role).get(URL, {"year": YEAR, "format": "pdf", "language": "it"})
    assert response.status_code == 403


def test_a_staff_account_outside_the_coordinator_group_gets_403(db, client):
    client.force_login(factories.make_user("staff@comune.trento.it", is_staff=True))
    assert client.get(URL).status_code == 403


def test_the_download_is_get_only(client, coordinator):
    client.force_login(coordinator)
    assert client.post(URL, {"year": YEAR, "format": "pdf", "language": "it"}).status_code == 405


def test_the_figures_take_a_fixed_number_of_queries(district, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        data.yearly_report(YEAR, today=AFTER_THE_YEAR)
