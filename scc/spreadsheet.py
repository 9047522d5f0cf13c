"""CSV downloads: cells a spreadsheet will not run as formulas, and lines streamed one by one."""

import csv
import logging
import re

logger = logging.getLogger(__name__)

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


INCOMPLETE = "export incomplete"


def csv_lines(header, records):
    """The header and each record (a list of cells) as CSV lines, one at a time.

    The response is streamed, so its 200 is sent before the records are read: when reading fails
    halfway (the database, a bug), the last line says so, `export incomplete: ...`, instead of the
    file ending as if it were whole.
    """
    writer = csv.writer(_Line())
    yield writer.writerow(header)
    written = 0
    try:
        for record in records:
            yield writer.writerow(record)
            written += 1
    except Exception as exc:
        logger.exception("CSV export stopped after %d rows", written)
        yield writer.writerow([f"{INCOMPLETE}: stopped after {written} rows ({type(exc).__name__}); download it again"])
