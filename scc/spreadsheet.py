"""CSV downloads: cells a spreadsheet will not run as formulas, and lines streamed one by one."""

import csv
import re

# OWASP CSV injection: a spreadsheet treats a cell starting with these as a formula, also after
# leading spaces or line breaks (which some spreadsheets trim on import).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_LEADING_BLANKS = re.compile(r"[^\S\t\r]*")  # whitespace other than tab and CR, themselves formula prefixes


def neutralise(text):
    """A text cell a spreadsheet will not run: formula-like values get a leading apostrophe."""
    text = "" if text is None else str(text)
    blanks = _LEADING_BLANKS.match(text).end()
    return "'" + text if text.startswith(FORMULA_PREFIXES, blanks) else text


class _Line:
    """csv.writer target that hands back each line instead of buffering it."""

    def write(self, value):
        return value


def csv_lines(header, records):
    """The header and each record (a list of cells) as CSV lines, one at a time."""
    writer = csv.writer(_Line())
    yield writer.writerow(header)
    for record in records:
        yield writer.writerow(record)


def with_bom(lines):
    """The lines with a UTF-8 byte order mark first: Excel then reads "José Ñúñez" as UTF-8."""
    yield "\ufeff"
    yield from lines
