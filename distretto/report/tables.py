"""The yearly report's tables as a spreadsheet: one sheet per table, .xlsx or .ods.

Cells hold numbers as numbers and dates as dates; text is always text, never a formula
(a name starting with ``=`` stays a name).
"""

import datetime
from dataclasses import dataclass
from io import BytesIO

from django.utils.translation import gettext as _

from .data import YearlyReport


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list]


def sheets(report: YearlyReport) -> list[Sheet]:
    """Every table of the report, in its order, with headings in the active language."""
    return [
        Sheet(
            _("Summary"),
            [_("Figure"), _("Value")],
            [
                [_("Year"), report.year],
                [_("Figures as of"), report.as_of],
                [_("Active members"), report.member_count],
                [_("Members who joined in the year"), report.members_joined],
                [_("Agreements signed in the year"), len(report.agreements)],
                [_("Signatures in the year"), len(report.signatures)],
                [_("Signatures withdrawn in the year"), len(report.withdrawals)],
                [_("Meetings held"), report.meetings_held],
                [_("Programme actions"), len(report.actions)],
                [_("Services offered"), report.services_offered],
                [_("Requests between partners"), report.total_requests],
                [_("Requests answered"), report.total_answered],
            ],
        ),
        Sheet(
            _("Members"),
            [
                _("Organisation"),
                _("Type"),
                _("Joining date"),
                _("Family Audit phase"),
                _("Certificate"),
                _("Expiry date"),
            ],
            [
                [
                    member.name,
                    member.kind,
                    member.joined_on,
                    member.phase_label,
                    member.certificate_state_label,
                    member.expires_on,
                ]
                for member in report.members
            ],
        ),
        Sheet(
            _("Family Audit phases"),
            [_("Phase"), _("Members")],
            [[label, count] for label, count in report.phase_counts],
        ),
        Sheet(
            _("Agreements"),
            [_("Agreement"), _("Type"), _("Signing date"), _("Signatories")],
            [
                [agreement.title, agreement.kind, agreement.signed_on, agreement.signatories]
                for agreement in report.agreements
            ],
        ),
        Sheet(
            _("Signatures"),
            [_("Agreement"), _("Organisation"), _("Date of signature"), _("Withdrawal date")],
            [
                [
                    signature.agreement,
                    signature.organization,
                    signature.signed_on,
                    signature.withdrawn_on,
                ]
                for signature in report.signatures
            ],
        ),
        Sheet(
            _("Meetings"),
            [_("Date"), _("Meeting"), _("Working group"), _("Organisations present")],
            [
                [meeting.starts_at.date(), meeting.title, meeting.group, meeting.present]
                for meeting in report.meetings
            ],
        ),
        Sheet(
            _("Attendance"),
            [_("Organisation"), _("Present"), _("Excused"), _("Absent"), _("Presence rate (%)")],
            [
                [row.organization, row.present, row.excused, row.absent, row.rate]
                for row in report.attendance
            ],
        ),
        Sheet(
            _("Programme"),
            [
                _("Action area"),
                _("Action"),
                _("Lead organisation"),
                _("Partners involved"),
                _("Status"),
                _("Latest progress"),
            ],
            [
                [
                    action.area,
                    action.title,
                    action.lead,
                    ", ".join(action.partners),
                    action.status_label,
                    f"{action.notes[0].written_on.isoformat()}: {action.notes[0].text}"
                    if action.notes
                    else "",
                ]
                for action in report.actions
            ],
        ),
        Sheet(
            _("Services and requests"),
            [
                _("Organisation"),
                _("Services offered"),
                _("Requests received"),
                _("of which answered"),
                _("Requests sent"),
            ],
            [
                [
                    partner.organization,
                    partner.services_offered,
                    partner.received,
                    partner.received_answered,
                    partner.sent,
                ]
                for partner in report.partners
            ],
        ),
    ]


def _sheet_name(title: str, used: set[str]) -> str:
    """Spreadsheet names: at most 31 characters, none of []:*?/\\, unique."""
    name = "".join(" " if char in "[]:*?/\\" else char for char in title)[:31]
    base, n = name, 2
    while name in used:
        suffix = f" {n}"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name


def render_xlsx(report: YearlyReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for sheet in sheets(report):
        worksheet = workbook.create_sheet(_sheet_name(sheet.title, used))
        worksheet.append([str(title) for title in sheet.header])
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            worksheet.append([None] * len(row))
            for column, value in enumerate(row, start=1):
                cell = worksheet.cell(row=worksheet.max_row, column=column)
                cell.value = value
                if isinstance(value, str):
                    # openpyxl reads "=..." as a formula: text stays text.
                    cell.data_type = "s"
                elif isinstance(value, datetime.date):
                    cell.number_format = "DD/MM/YYYY"
        for column, title in enumerate(sheet.header, start=1):
            width = max([len(str(title))] + [len(str(row[column - 1] or "")) for row in sheet.rows])
            worksheet.column_dimensions[worksheet.cell(1, column).column_letter].width = min(
                max(width + 2, 10), 60
            )
        worksheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _ods_cell(value):
    from odf.table import TableCell
    from odf.text import P

    if value is None or value == "":
        return TableCell()
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int | float):
        cell = TableCell(valuetype="float", value=value)
        cell.addElement(P(text=str(value)))
        return cell
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat(), stylename="report-date")
        cell.addElement(P(text=value.strftime("%d/%m/%Y")))
        return cell
    cell = TableCell(valuetype="string")
    cell.addElement(P(text=str(value)))
    return cell


def render_ods(report: YearlyReport) -> bytes:
    from odf.number import DateStyle, Day, Month, Text, Year
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TextProperties
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    date_style = DateStyle(name="report-date-format")
    date_style.addElement(Day(style="long"))
    date_style.addElement(Text(text="/"))
    date_style.addElement(Month(style="long"))
    date_style.addElement(Text(text="/"))
    date_style.addElement(Year(style="long"))
    document.automaticstyles.addElement(date_style)
    document.automaticstyles.addElement(
        Style(name="report-date", family="table-cell", datastylename="report-date-format")
    )
    bold = Style(name="report-heading", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    used: set[str] = set()
    for sheet in sheets(report):
        table = Table(name=_sheet_name(sheet.title, used))
        heading = TableRow()
        for title in sheet.header:
            cell = TableCell(valuetype="string", stylename=bold)
            cell.addElement(P(text=str(title)))
            heading.addElement(cell)
        table.addElement(heading)
        for row in sheet.rows:
            line = TableRow()
            for value in row:
                line.addElement(_ods_cell(value))
            table.addElement(line)
        document.spreadsheet.addElement(table)
    buffer = BytesIO()
    document.write(buffer)
    return buffer.getvalue()
