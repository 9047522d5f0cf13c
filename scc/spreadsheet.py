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


def csv_lines(header, records):
    """The header and each record (a list of cells) as CSV lines, one at a time.

    The response is streamed, so its 200 is sent before the records are read: when reading fails
    halfway (the database, a bug), the last line says so, `INCOMPLETE EXPORT: ...`, instead of the
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
        yield incomplete_line(f"stopped after {written} rows ({type(exc).__name__}); download it again")


def with_bom(lines):
    """The lines with a UTF-8 byte order mark at the start of the first (the header): Excel then reads
    "José Ñúñez" as UTF-8. Still one line per record, as `capped` counts them."""
    lines = iter(lines)
    yield "\ufeff" + next(lines, "")
    yield from lines


def csv_line(cells):
    return csv.writer(_Line()).writerow(cells)


INCOMPLETE = "INCOMPLETE EXPORT"


def incomplete_line(reason):
    """The last line of a CSV that stops early: one cell, "INCOMPLETE EXPORT: <reason>", which no
    record can be mistaken for (a record's first cell is a time)."""
    return csv_line([f"{INCOMPLETE}: {reason}"])


def capped(lines, *, max_bytes, why_stopped):
    """Encoded CSV lines (the header first) while they fit in `max_bytes` in all. When the next line
    would not fit with room left for the final line, that final line is `incomplete_line(
    why_stopped(rows))` (rows: the records written), within the same `max_bytes`, and `lines` is
    closed: whatever reads the records behind it stops."""
    # Room for the final line whatever the count grows to.
    reserve = len(incomplete_line(why_stopped(10**12)).encode()) + 64
    sent = rows = 0
    try:
        for number, line in enumerate(lines):
            if sent + len(line) + reserve > max_bytes:
                yield incomplete_line(why_stopped(rows)).encode()
                return
            sent += len(line)
            rows = number  # the header is line 0
            yield line
    finally:
        close = getattr(lines, "close", None)
        if close is not None:
            close()
