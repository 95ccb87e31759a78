"""CSV downloads for the coordinator: spreadsheets that open right in Excel and cannot attack it.

Excel guesses the encoding of a CSV file from a byte-order mark: without one, accented
Italian names come out garbled. It also splits lines at its locale's list separator: a
semicolon where the decimal separator is a comma (Italian), a comma elsewhere; the file
uses the separator of the page's language, so it opens in columns in either. Cells that
start with ``=``, ``+``, ``-`` or ``@`` would be run as formulas (CSV injection), so they
get a leading apostrophe, which spreadsheets show as plain text.
"""

import csv
import datetime
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import get_format

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """Turn one value into safe CSV text: dates in ISO format, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_delimiter() -> str:
    """The list separator spreadsheets expect in the active language (see the docstring)."""
    return ";" if get_format("DECIMAL_SEPARATOR") == "," else ","


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    """A CSV attachment with a UTF-8 byte-order mark, a header line and one line per row."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=csv_delimiter())
    writer.writerow([csv_cell(str(title)) for title in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return response


def dated_filename(stem: str) -> str:
    return f"{stem}-{timezone.localdate().isoformat()}.csv"
