"""What the pages say in the states people meet: order, legacy data, failed emails, words not codes,
times with their zone, the audit's amounts and pages. Django's test client, on dynalite."""

import re
from datetime import UTC, datetime

from django.template import Context, Template
from django.utils import timezone

from tests.factories import event_item, legacy_payment, patron, payment_record

P1, P2, V1 = "pay-1", "pay-2", "void-1"


def entry(at, operator, action, **fields):
    data = {"at": {"S": at}, "operator": {"S": operator}, "action": {"S": action}}
    for name, value in fields.items():
        data[name] = {"N": value} if name == "amount" else {"S": value}
    return {"M": data}


def at(moment):
    return {"S": moment}


def seed_busy(raw_table):
    raw_table.put(
        event_item(
            "busy",
            roster=[patron("p1", "Ada Lovelace", "ada@example.com"), patron("p2", "Grace Hopper", "g@example.com")],
            payments=[
                payment_record(P1, "p1", "45", notes="first line\nsecond line", timestamp=at("2026-11-01T17:00:00Z")),
                payment_record(P2, "p2", "30", timestamp=at("2026-11-02T17:00:00Z")),
                payment_record(V1, "p2", "-30", kind="void", voids={"S": P2}, timestamp=at("2026-11-03T17:00:00Z")),
            ],
            audit={
                "L": [
                    entry("2026-11-01T16:00:00Z", "(patron)", "waiver.signed", patron_id="p1"),
                    entry("2026-11-01T17:00:00Z", "alice", "payment.logged", payment_id=P1, amount="45"),
                    entry(
                        "2026-11-01T17:05:00Z",
                        "alice",
                        "email.failed",
                        payment_id=P1,
                        detail="ConnectionRefusedError: [Errno 111] Connection refused",
                    ),
                ]
            },
        )
    )


def section(html, section_id):
    start = html.index(f'id="{section_id}"')
    return html[start : html.index("</section>", start)]


def shown(html):
    """The page without its script data (the vocabulary block carries codes beside their words)."""
    return html.split('<script id="scc-vocabulary"')[0]


def test_payments_are_newest_first_as_activity_is(admin_client, raw_table):
    seed_busy(raw_table)
    html = admin_client.get("/events/busy/").content.decode()
    ledger = html[html.index('id="ledger"') : html.index('id="activity"')]
    assert re.findall(r'<tr [^>]*data-payment-id="([^"]+)"', ledger) == [V1, P2, P1]
    activity = section(html, "activity")
    assert activity.index("Email failed") < activity.index("Payment logged") < activity.index("Waiver signed")


def test_email_cell_reads_the_record_and_the_audit(admin_client, raw_table):
    seed_busy(raw_table)
    html = admin_client.get("/events/busy/").content.decode()
    cells = dict(re.findall(r'data-payment-id="([^"]+)">.*?data-field="email-status">(.*?)</td>', html, re.S))
    assert '<span class="badge warn">Failed</span>' in cells[P1]  # email.failed in the audit, after a reload too
    assert "Not sent" in cells[P2] and "Failed" not in cells[P2]
    assert "Not sent" not in cells[V1] and "—" in cells[V1]  # a void has no confirmation email


def test_failed_email_in_words_and_codes_as_words(admin_client, raw_table):
    seed_busy(raw_table)
    html = admin_client.get("/events/busy/").content.decode()
    assert "The mail service did not accept the message" in html
    assert "ConnectionRefusedError" not in html  # the mail library's words stay in the audit trail
    assert "Patron (waiver page)" in html and "(patron)" not in shown(html)
    assert "first line<br>second line" in html  # notes keep their line breaks
    audit = admin_client.get("/audit/").content.decode()
    assert "ConnectionRefusedError" in audit and "Technical detail" in audit  # folded, for whoever investigates


def test_a_legacy_event_lists_its_payments_as_activity(admin_client, raw_table):
    raw_table.put(event_item("old", payments=[legacy_payment("45", notes="cash"), legacy_payment("12.5")]))
    html = admin_client.get("/events/old/").content.decode()
    activity = section(html, "activity")
    assert "No recorded activity" not in activity
    assert activity.count("Payment logged") == 2 and "Legacy" in activity and "$12.50" in activity


def test_an_empty_roster_says_why_log_payment_is_off(admin_client, raw_table):
    raw_table.put(event_item("empty", days=3))
    html = admin_client.get("/").content.decode()
    button = re.search(r'<button[^>]*class="button primary log-payment"[^>]*>', html).group(0)
    assert "disabled" in button and 'aria-describedby="why-1-upcoming"' in button
    assert re.search(r'id="why-1-upcoming">No patrons on the roster yet', html)


def test_a_free_trip_is_free_and_an_empty_priced_one_is_not(admin_client, raw_table):
    raw_table.put(event_item("free", days=3, price="0"))
    raw_table.put(event_item("priced", days=4, price="45"))
    html = admin_client.get("/").content.decode()
    cards = {
        m.group(1): m.group(0) for m in re.finditer(r'<article [^>]*data-event-id="([^"]+)".*?</article>', html, re.S)
    }
    assert "Free trip" in cards["free"] and "Free trip" not in cards["priced"]


def test_audit_amounts_only_on_rows_that_move_money(staff_client, raw_table):
    seed_busy(raw_table)
    rows = staff_client.get("/audit/").context["page"].rows
    amounts = {row.action: row.amount for row in rows}
    assert amounts["payment.logged"] == 45 and amounts["email.failed"] is None and amounts["waiver.signed"] is None


def test_audit_filters_take_fragments_and_a_page_past_the_end_says_so(staff_client, raw_table):
    seed_busy(raw_table)
    raw_table.put(
        event_item(
            "other", title={"S": "Whale watch"}, audit={"L": [entry("2026-11-05T10:00:00Z", "bob", "event.created")]}
        )
    )
    by_title = staff_client.get("/audit/?event=WHALE").context["page"].rows
    assert [row.event_id for row in by_title] == ["other"]
    by_id = staff_client.get("/audit/?event=busy")
    assert {row.event_id for row in by_id.context["page"].rows} == {"busy"}
    assert 'id="id_event_hint">Charter busy<' in by_id.content.decode()  # an id is shown with its title
    by_operator = staff_client.get("/audit/?operator=PAT").context["page"].rows
    assert [row.action for row in by_operator] == ["waiver.signed"]
    past = staff_client.get("/audit/?page=99")
    assert past.status_code == 200
    assert "There is no page 99: these entries fill 1 page. Showing page 1." in past.content.decode()
    assert "There is no page" not in staff_client.get("/audit/?page=1").content.decode()


def test_times_are_compact_and_name_their_zone():
    this_year = timezone.localtime().year
    render = Template("{% load scc %}{{ a|compact_time }}|{{ b|compact_time }}|{{ c|event_time }}").render
    html = render(
        Context(
            {
                "a": f"{this_year}-07-01T17:00:00Z",
                "b": "2020-01-02T17:00:00Z",
                "c": datetime(2026, 12, 5, 9, 0, tzinfo=UTC),
            }
        )
    )
    assert html == "Jul 1, 10:00 AM PDT|Jan 2, 2020, 9:00 AM PST|Sat, Dec 5, 2026 · 9:00 AM UTC+00:00"
