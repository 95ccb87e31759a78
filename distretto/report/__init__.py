"""The district's yearly report (*rendicontazione*) for the Provincia.

``data.yearly_report(year)`` gathers the figures; ``pdf.render_pdf`` and
``tables.render_xlsx`` / ``tables.render_ods`` lay them out. ``produce`` does both in one
language, for the management command and the coordinator's download.
"""

from dataclasses import dataclass

from django.utils import translation

from services.balance import EARLIEST_YEAR

FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


@dataclass
class ReportFile:
    content: bytes
    filename: str
    content_type: str


def filename(year: int, file_format: str, language: str) -> str:
    stem = "rendicontazione" if language == "it" else "yearly-report"
    return f"{stem}-{year}.{file_format}"


def produce(year: int, file_format: str, language: str) -> ReportFile:
    """The report for ``year`` as ``file_format`` (pdf, xlsx, ods), in ``language``."""
    from . import data, pdf, tables

    if file_format not in FORMATS:
        raise ValueError(f"Unknown report format {file_format!r}.")
    render = {"pdf": pdf.render_pdf, "xlsx": tables.render_xlsx, "ods": tables.render_ods}
    with translation.override(language):
        content = render[file_format](data.yearly_report(year))
    return ReportFile(content, filename(year, file_format, language), FORMATS[file_format])


__all__ = ["EARLIEST_YEAR", "FORMATS", "ReportFile", "filename", "produce"]
