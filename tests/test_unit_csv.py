"""The audit CSV's cells, without DynamoDB: formula neutralising and the row's formatting."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payments.audit_views import CSV_HEADER, csv_header, csv_record
from payments.selectors import AuditRow
from scc.spreadsheet import FORMULA_PREFIXES, INCOMPLETE, _Line, capped, neutralise

PROPERTIES = settings(max_examples=200, derandomize=True)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_start(cell):
    """What a spreadsheet may run: a formula character first, or after leading spaces and line breaks."""
    i = 0
    while i < len(cell) and cell[i].isspace() and cell[i] not in "\t\r":
        i += 1
    return cell[i : i + 1] in FORMULA_STARTS


# Blanks, then maybe a formula character, then anything: where the bugs are. Plus any text at all.
blanks = st.text(
    st.sampled_from([" ", "\n", "\r", "\t", "\x0b", "\x0c", "\x85", "\xa0", "\u2028", "\u3000"]), max_size=3
)
starts = st.sampled_from(["", "=", "+", "-", "@", "\t", "\r", "'", "1", "a"])
cells = st.one_of(st.tuples(blanks, starts, st.text(max_size=8)).map("".join), st.text())


def test_the_prefixes_are_the_owasp_list():
    assert FORMULA_PREFIXES == FORMULA_STARTS


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1+2", "'+1+2"),
        ("-2+3 charter", "'-2+3 charter"),
        ("@Mallory", "'@Mallory"),
        ("\tcmd", "'\tcmd"),
        ("\rx", "'\rx"),
        (" =1+1", "' =1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("\r\n-2", "'\r\n-2"),
        ("\u00a0@x", "'\u00a0@x"),
        (" \t x", "' \t x"),
        ("Ada Lovelace", "Ada Lovelace"),
        ("  indented", "  indented"),
        ("a=b", "a=b"),
        ("'=quoted", "'=quoted"),
        ("", ""),
        (None, ""),
        (45, "45"),
    ],
)
def test_neutralise(cell, expected):
    assert neutralise(cell) == expected


@PROPERTIES
@given(cells)
def test_a_neutralised_cell_never_starts_a_formula(cell):
    out = neutralise(cell)
    assert out in (cell, "'" + cell)
    assert not formula_start(out), repr(out)


@PROPERTIES
@given(cells)
def test_only_formula_like_cells_are_changed(cell):
    assert (neutralise(cell) != cell) == formula_start(cell), repr(cell)


def row(**fields):
    values = {
        "at": "2026-11-02T10:00:00.000+00:00",
        "moment": datetime(2026, 11, 2, 10, tzinfo=UTC),
        "operator": "bob",
        "action": "payment.voided",
        "event_id": "=evil",
        "event_title": "-2+3 charter",
        "patron_id": "p1",
        "patron_name": "@Mallory",
        "amount": Decimal("-45.00"),
        "payment_id": "v1",
        "detail": "\tcmd",
        "legacy": False,
        "method": "card",
    }
    values.update(fields)
    return AuditRow(**values)


def test_csv_record_formats_time_and_amount_and_neutralises_text():
    assert csv_record(row()) == [
        "2026-11-02T10:00:00+00:00",
        "2026-11-02 02:00:00",  # the site's local time, as the page shows it
        "bob",
        "payment.voided",
        "'=evil",
        "'-2+3 charter",
        "p1",
        "'@Mallory",
        "-45.00",  # our own decimal formatting: a number, not a formula
        "v1",
        "'\tcmd",
        "no",
        "card",
    ]
    assert len(csv_record(row())) == len(csv_header()) == len(CSV_HEADER) + 1
    assert csv_header()[1] == "local_time (America/Los_Angeles)"
    assert csv_record(row(method=None))[12] == ""


def test_csv_record_of_a_sparse_legacy_row():
    cells = csv_record(
        row(moment=None, at="=not a time", patron_id=None, patron_name=None, amount=None, payment_id=None, legacy=True)
    )
    assert cells[0] == "'=not a time"  # an unparsable stored time is written as text, neutralised
    assert cells[1] == ""  # and has no local time
    assert cells[6:10] == ["", "", "", ""] and cells[11] == "yes"


def test_amounts_print_as_plain_decimals():
    assert csv_record(row(amount=Decimal("1E+2")))[8] == "100"
    assert csv_record(row(amount=Decimal("0.50")))[8] == "0.50"


@settings(max_examples=100, derandomize=True)  # the csv module's own round trip: fewer examples suffice
@given(st.lists(cells, min_size=6, max_size=6))
def test_each_line_reads_back_as_the_neutralised_cells(texts):
    fields = dict(zip(["operator", "action", "event_id", "event_title", "detail"], texts, strict=False))
    record = csv_record(row(**fields, at=texts[5], moment=None))
    line = csv.writer(_Line()).writerow(record)
    assert next(csv.reader(io.StringIO(line, newline=""))) == record


def test_a_capped_csv_fits_its_limit_with_its_final_line_and_stops_reading():
    read = []
    closed = []

    def lines():
        try:
            for n in range(1000):
                read.append(n)
                yield f"row {n:04d},{'x' * 40}\r\n".encode()
        finally:
            closed.append(True)

    out = list(capped(lines(), max_bytes=2000, why_stopped=lambda rows: f"{rows} rows"))
    assert sum(map(len, out)) <= 2000
    assert out[-1] == f"{INCOMPLETE}: {len(out) - 2} rows\r\n".encode()  # the header is not a row
    assert closed == [True] and len(read) == len(out)  # the line that did not fit was the last one read
    whole = list(capped(lines(), max_bytes=10**6, why_stopped=lambda rows: "never"))
    assert len(whole) == 1000 and INCOMPLETE.encode() not in whole[-1]
