"""The yearly report as a PDF document (reportlab): text, tables and charts.

Laid out from ``data.YearlyReport`` only; every heading through gettext, so the active
language (``translation.override``) decides the document's language.
"""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import formats, timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .data import YearlyReport

DISTRICT = "Distretto Family Audit di Trento"
WIDTH = A4[0] - 4 * cm
# Bootstrap Italia's blue and two companions that stay apart in grey print.
BLUE = colors.HexColor("#0066cc")
GREEN = colors.HexColor("#008055")
GREY = colors.HexColor("#a0a8b0")
LABEL_LENGTH = 32


def _styles():
    sample = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=sample["Title"], alignment=TA_LEFT),
        "h1": ParagraphStyle("h1", parent=sample["Heading1"], spaceBefore=14, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=sample["Heading2"], keepWithNext=1),
        "body": sample["BodyText"],
        "small": ParagraphStyle("small", parent=sample["BodyText"], fontSize=8, leading=10),
        "cell": ParagraphStyle("cell", parent=sample["BodyText"], fontSize=8, leading=10),
    }


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _short(label: str) -> str:
    return label if len(label) <= LABEL_LENGTH else label[: LABEL_LENGTH - 1] + "…"


def _table(styles, header, rows, widths=None, numeric_from=None):
    """A table whose text cells wrap; columns from ``numeric_from`` on are right-aligned."""
    cell = styles["cell"]
    data = [[Paragraph(f"<b>{escape(str(title))}</b>", cell) for title in header]]
    for row in rows:
        data.append(
            [
                value if isinstance(value, int) else Paragraph(escape(str(value)), cell)
                for value in row
            ]
        )
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6f0fa")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, BLUE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, GREY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTSIZE", (0, 1), (-1, -1), 8),
    ]
    if numeric_from is not None:
        style.append(("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


def _count_label(value) -> str:
    return f"{value:g}" if value else ""


def _bar_chart(
    title: str,
    labels: list[str],
    series: list[tuple[str, list[int], object]],
    *,
    stacked: bool = False,
):
    """A horizontal bar chart (one bar per label, and per series unless ``stacked``) with
    its title and, for several series, a legend."""
    bars_per_label = 1 if stacked else len(series)
    plot_height = max((9 * bars_per_label + 6) * len(labels), 40)
    height = plot_height + 70
    drawing = Drawing(WIDTH, height)
    drawing.add(String(0, height - 14, title, fontName="Helvetica-Bold", fontSize=10))
    chart = HorizontalBarChart()
    chart.x = 170
    chart.y = 30
    chart.height = plot_height
    chart.width = WIDTH - chart.x - 20
    # reportlab draws the first label and the first series at the bottom: reversed, they
    # read top to bottom in the order given, as the legend does.
    ordered = series if stacked else list(reversed(series))
    chart.data = [list(reversed(values)) for _name, values, _colour in ordered]
    chart.categoryAxis.categoryNames = [_short(label) for label in reversed(labels)]
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    if stacked:
        chart.categoryAxis.style = "stacked"
        largest = max((sum(values) for values in zip(*chart.data, strict=True)), default=0)
    else:
        largest = max((max(values, default=0) for values in chart.data), default=0)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(largest, 1)
    chart.valueAxis.valueStep = max(1, round(max(largest, 1) / 5))
    chart.valueAxis.labels.fontSize = 7
    chart.barLabelFormat = _count_label
    chart.barLabels.fontSize = 6
    if stacked:
        chart.barLabels.fillColor = colors.white
        chart.barLabels.boxAnchor = "e"
        chart.barLabels.dx = -2
    else:
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 2
    for index, (_name, _values, colour) in enumerate(ordered):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    if len(series) > 1:
        legend = Legend()
        legend.x = chart.x
        legend.y = 12
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.fontSize = 7
        legend.dx = legend.dy = 6
        legend.deltax = 110
        legend.colorNamePairs = [(colour, name) for name, _values, colour in series]
        drawing.add(legend)
    return drawing


def _members(report: YearlyReport, styles) -> list:
    story = [
        Paragraph(escape(_("1. Members and their Family Audit phases")), styles["h1"]),
        Paragraph(
            escape(
                ngettext(
                    "%(count)d active member on %(date)s, %(joined)d of them joined in %(year)d.",
                    "%(count)d active members on %(date)s, %(joined)d of them joined in %(year)d.",
                    report.member_count,
                )
                % {
                    "count": report.member_count,
                    "date": _date(report.as_of),
                    "joined": report.members_joined,
                    "year": report.year,
                }
            ),
            styles["body"],
        ),
    ]
    if report.phase_counts:
        story.append(
            _bar_chart(
                _("Members per Family Audit phase"),
                [label for label, _count in report.phase_counts],
                [(_("Members"), [count for _label, count in report.phase_counts], BLUE)],
            )
        )
    if report.members:
        story.append(
            _table(
                styles,
                [
                    _("Organisation"),
                    _("Type"),
                    _("Family Audit phase"),
                    _("Certificate"),
                    _("Expiry date"),
                ],
                [
                    [
                        member.name,
                        member.kind,
                        member.phase_label,
                        member.certificate_state_label,
                        _date(member.expires_on),
                    ]
                    for member in report.members
                ],
                widths=[5.2 * cm, 2.8 * cm, 3.6 * cm, 3 * cm, 2.4 * cm],
            )
        )
    return story


def _agreements(report: YearlyReport, styles) -> list:
    story = [Paragraph(escape(_("2. Agreements and signatures")), styles["h1"])]
    story.append(Paragraph(escape(_("Agreements signed in the year")), styles["h2"]))
    if report.agreements:
        story.append(
            _table(
                styles,
                [_("Agreement"), _("Type"), _("Signing date"), _("Signatories")],
                [[a.title, a.kind, _date(a.signed_on), a.signatories] for a in report.agreements],
                widths=[7 * cm, 4.5 * cm, 2.8 * cm, 2.7 * cm],
                numeric_from=3,
            )
        )
    else:
        story.append(Paragraph(escape(_("No agreement signed in the year.")), styles["body"]))
    story.append(Paragraph(escape(_("Signatures in the year")), styles["h2"]))
    if report.signatures:
        story.append(
            _table(
                styles,
                [_("Agreement"), _("Organisation"), _("Date of signature"), _("Withdrawal date")],
                [
                    [s.agreement, s.organization, _date(s.signed_on), _date(s.withdrawn_on)]
                    for s in report.signatures
                ],
                widths=[6 * cm, 5 * cm, 3 * cm, 3 * cm],
            )
        )
    else:
        story.append(Paragraph(escape(_("No signature in the year.")), styles["body"]))
    if report.withdrawals:
        story.append(Paragraph(escape(_("Signatures withdrawn in the year")), styles["h2"]))
        story.append(
            _table(
                styles,
                [_("Agreement"), _("Organisation"), _("Withdrawal date")],
                [[s.agreement, s.organization, _date(s.withdrawn_on)] for s in report.withdrawals],
                widths=[7 * cm, 7 * cm, 3 * cm],
            )
        )
    return story


def _meetings(report: YearlyReport, styles) -> list:
    story = [
        Paragraph(escape(_("3. Meetings and attendance")), styles["h1"]),
        Paragraph(
            escape(
                ngettext(
                    "%(count)d meeting held in %(year)d.",
                    "%(count)d meetings held in %(year)d.",
                    report.meetings_held,
                )
                % {"count": report.meetings_held, "year": report.year}
            ),
            styles["body"],
        ),
    ]
    if report.meetings:
        story.append(
            _table(
                styles,
                [_("Date"), _("Meeting"), _("Working group"), _("Organisations present")],
                [[_date(m.starts_at.date()), m.title, m.group, m.present] for m in report.meetings],
                widths=[2.4 * cm, 7 * cm, 4.6 * cm, 3 * cm],
                numeric_from=3,
            )
        )
    if report.attendance:
        story.append(Paragraph(escape(_("Attendance per organisation")), styles["h2"]))
        labels = [row.organization for row in report.attendance]
        story.append(
            _bar_chart(
                _("Attendance per organisation"),
                labels,
                [
                    (_("Present"), [row.present for row in report.attendance], GREEN),
                    (_("Excused"), [row.excused for row in report.attendance], GREY),
                    (_("Absent"), [row.absent for row in report.attendance], BLUE),
                ],
                stacked=True,
            )
        )
        story.append(
            _table(
                styles,
                [_("Organisation"), _("Present"), _("Excused"), _("Absent"), _("Presence rate")],
                [
                    [row.organization, row.present, row.excused, row.absent, f"{row.rate}%"]
                    for row in report.attendance
                ],
                widths=[7 * cm, 2.5 * cm, 2.5 * cm, 2.5 * cm, 2.5 * cm],
                numeric_from=1,
            )
        )
    return story


def _programme(report: YearlyReport, styles) -> list:
    story = [Paragraph(escape(_("4. The work programme")), styles["h1"])]
    if not report.actions:
        story.append(Paragraph(escape(_("No programme action for the year.")), styles["body"]))
        return story
    story.append(Paragraph(escape(report.programme_title), styles["body"]))
    story.append(
        Paragraph(
            escape(", ".join(f"{label}: {count}" for label, count in report.action_status_counts)),
            styles["body"],
        )
    )
    for action in report.actions:
        owners = ", ".join([action.lead, *action.partners])
        heading = f"<b>{escape(action.title)}</b> — {escape(action.status_label)}"
        carried = _("%(area)s · carried out by %(owners)s") % {
            "area": action.area,
            "owners": owners,
        }
        block = [
            Paragraph(heading, styles["body"]),
            Paragraph(escape(carried), styles["small"]),
        ]
        for note in action.notes:
            who = f" ({note.organization})" if note.organization else ""
            block.append(
                Paragraph(
                    f"{escape(_date(note.written_on))}{escape(who)}: {escape(note.text)}",
                    styles["small"],
                )
            )
        block.append(Spacer(1, 4))
        story.append(KeepTogether(block))
    return story


def _services(report: YearlyReport, styles) -> list:
    story = [
        Paragraph(escape(_("5. Services offered and requests between partners")), styles["h1"]),
        Paragraph(
            escape(
                _(
                    "%(services)d services offered; %(requests)d requests from one partner's "
                    "employees to another partner's services, %(answered)d of them answered."
                )
                % {
                    "services": report.services_offered,
                    "requests": report.total_requests,
                    "answered": report.total_answered,
                }
            ),
            styles["body"],
        ),
    ]
    active = [partner for partner in report.partners if partner.received or partner.sent]
    if active:
        story.append(
            _bar_chart(
                _("Requests received per partner"),
                [partner.organization for partner in active],
                [
                    (_("Requests received"), [p.received for p in active], BLUE),
                    (_("of which answered"), [p.received_answered for p in active], GREEN),
                ],
            )
        )
    if report.partners:
        story.append(
            _table(
                styles,
                [
                    _("Organisation"),
                    _("Services offered"),
                    _("Requests received"),
                    _("of which answered"),
                    _("Requests sent"),
                ],
                [
                    [p.organization, p.services_offered, p.received, p.received_answered, p.sent]
                    for p in report.partners
                ],
                widths=[6 * cm, 2.75 * cm, 2.75 * cm, 2.75 * cm, 2.75 * cm],
                numeric_from=1,
            )
        )
    return story


def _summary(report: YearlyReport, styles) -> list:
    rows = [
        [_("Active members"), report.member_count],
        [_("Agreements signed in the year"), len(report.agreements)],
        [_("Signatures in the year"), len(report.signatures)],
        [_("Meetings held"), report.meetings_held],
        [_("Programme actions"), len(report.actions)],
        [_("Services offered"), report.services_offered],
        [_("Requests between partners"), report.total_requests],
        [_("Requests answered"), report.total_answered],
    ]
    return [
        _table(styles, [_("Figure"), _("Value")], rows, widths=[9 * cm, 3 * cm], numeric_from=1)
    ]


def render_pdf(report: YearlyReport) -> bytes:
    styles = _styles()
    title = _("Yearly report %(year)d") % {"year": report.year}
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=f"{DISTRICT} — {title}",
        author=DISTRICT,
        subject=title,
        lang=get_language(),
    )

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(2 * cm, 1.2 * cm, f"{DISTRICT} — {title}")
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, str(doc.page))
        canvas.restoreState()

    story = [
        Paragraph(escape(DISTRICT), styles["h2"]),
        Paragraph(escape(title), styles["title"]),
        Paragraph(
            escape(
                _("Figures as of %(date)s, produced on %(today)s.")
                % {"date": _date(report.as_of), "today": _date(timezone.localdate())}
            ),
            styles["body"],
        ),
        Spacer(1, 8),
        *_summary(report, styles),
        *_members(report, styles),
        *_agreements(report, styles),
        *_meetings(report, styles),
        *_programme(report, styles),
        *_services(report, styles),
    ]
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
