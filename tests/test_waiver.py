"""The public waiver page and signing, against dynalite."""

import re
import threading
from datetime import datetime

import pytest
from django.test import Client

from events import services
from tests.factories import event_item, legacy_payment, patron

URL = "/g/ev-1/waiver"
GOOD = {"full_name": "Grace Hopper", "email": "grace@example.com", "phone": "+1 (206) 555-0102", "agree": "on"}


def seed(raw_table, event_id="ev-1", **kwargs):
    kwargs.setdefault("roster", [patron("patron-ada-01", "Ada Lovelace", "ada@example.com", phone="+1 206 555 0101")])
    kwargs.setdefault("payments", [legacy_payment("45", notes="cash at the dock")])
    kwargs.setdefault("captain", {"S": "Capt. R. Alvarez"})
    raw_table.put(event_item(event_id, **kwargs))
    return raw_table.get(event_id)


def roster_of(raw_table, event_id="ev-1"):
    return [entry["M"] for entry in raw_table.get(event_id).get("roster", {}).get("L", [])]


# ---- the page ----


def test_page_shows_event_waiver_and_form(raw_table):
    seed(raw_table)
    response = Client().get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Charter ev-1" in html and "Pier 66" in html
    start = datetime.fromisoformat(raw_table.get("ev-1")["starts_at"]["S"])
    assert start.strftime("%b %-d, %Y · %-I:%M %p") in html  # the event's own local time
    assert "Ship Captain Crew" in html and "I release SCC" in html  # the default waiver text
    for label, name in [("Full name", "full_name"), ("Email", "email"), ("Phone", "phone")]:
        assert f'<label for="id_{name}">{label}</label>' in html
        assert f'name="{name}"' in html
    assert (
        '<input type="checkbox" name="agree"' in html and '<label for="id_agree">I agree to the waiver</label>' in html
    )
    assert ">Sign waiver</button>" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_page_shows_nothing_private(raw_table):
    seed(raw_table, roster_emails={"SS": ["ada@example.com"]})
    response = Client().get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Charter ev-1" in html and ">Sign waiver</button>" in html  # the page itself, not an error page
    for private in [
        "Ada Lovelace",
        "ada@example.com",
        "555 0101",
        "patron-ada-01",
        "cash at the dock",
        "$45",
        "Capt. R. Alvarez",
    ]:
        assert private not in html


def test_public_page_has_no_staff_navigation_even_when_signed_in(admin_client, raw_table):
    seed(raw_table)
    assert admin_client.get("/").status_code == 200  # signed in: the staff pages have the navigation
    response = admin_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Charter ev-1" in html and ">Sign waiver</button>" in html
    assert "Sign out" not in html and 'href="/"' not in html


def test_event_waiver_text_is_shown_escaped_instead_of_default(raw_table):
    seed(raw_table, waiver_text={"S": "Life jackets at all times.\n\nNo <b>glass</b> on deck."})
    html = Client().get(URL).content.decode()
    assert "<p>Life jackets at all times.</p>" in html
    assert "No &lt;b&gt;glass&lt;/b&gt; on deck." in html
    assert "I release SCC" not in html


def test_sparse_event_page_loads(raw_table):
    raw_table.put({"event_id": {"S": "ev-1"}})
    html = Client().get(URL).content.decode()
    assert "Date to be announced" in html and "Location to be announced" in html and "Sign waiver" in html


@pytest.mark.parametrize("path", ["/g/nope/waiver", "/g/" + "x" * 1100 + "/waiver"])
def test_unknown_event_is_a_friendly_404_page(tables, path):
    response = Client().get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find this event" in html
    assert "link may be wrong" in html and "captain or crew member who sent it" in html
    assert "Sign out" not in html and "dispatch" not in html.lower()


def test_past_event_says_so_and_shows_no_form(raw_table):
    before = seed(raw_table, days=-2)
    response = Client().get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "already taken place" in html
    assert "<form" not in html and "Sign waiver" not in html
    response = Client().post(URL, GOOD)
    assert response.status_code == 409 and "already taken place" in response.content.decode()
    assert raw_table.get("ev-1") == before


def test_only_get_head_and_post(raw_table):
    seed(raw_table)
    assert Client().head(URL).status_code == 200
    assert Client().put(URL).status_code == 405


def test_public_pages_ask_search_engines_not_to_index_them(raw_table):
    seed(raw_table)
    assert '<meta name="robots" content="noindex, nofollow">' in Client().get(URL).content.decode()


# ---- signing ----


def test_signing_appends_patron_email_and_audit_and_keeps_other_attributes(raw_table):
    before = seed(raw_table)
    client = Client()
    response = client.post(URL, {**GOOD, "full_name": "  Grace   Hopper ", "email": " Grace@Example.COM "})
    assert response.status_code == 302
    assert response["Location"] == URL + "?signed=1"

    after = raw_table.get("ev-1")
    roster = roster_of(raw_table)
    assert roster[0] == before["roster"]["L"][0]["M"]
    new = roster[1]
    patron_id = new["patron_id"]["S"]
    assert re.fullmatch(r"p-[0-9a-f]{32}", patron_id)
    assert new["name"] == {"S": "Grace Hopper"}
    assert new["email"] == {"S": "Grace@Example.COM"}
    assert new["phone"] == {"S": "+1 (206) 555-0102"}
    signed_at = datetime.fromisoformat(new["waiver_signed_at"]["S"])
    assert signed_at.utcoffset().total_seconds() == 0
    assert after["roster_emails"] == {"SS": ["grace@example.com"]}
    (audit,) = [entry["M"] for entry in after["audit"]["L"]]
    assert audit["action"] == {"S": "waiver.signed"}
    assert audit["operator"] == {"S": services.PUBLIC_OPERATOR}
    assert audit["patron_id"] == {"S": patron_id}
    assert audit["at"] == new["waiver_signed_at"]
    assert "Grace Hopper" in audit["detail"]["S"]
    # Everything else is exactly as it was.
    for name, value in before.items():
        if name != "roster":
            assert after[name] == value, name

    thanks = client.get(response["Location"])
    html = thanks.content.decode()
    assert "Thank you, Grace Hopper" in html and "Waiver signed" in html and "<form" not in html


def test_reloading_the_thank_you_page_writes_nothing(raw_table):
    seed(raw_table)
    client = Client()
    location = client.post(URL, GOOD)["Location"]
    after_sign = raw_table.get("ev-1")
    for _ in range(2):
        assert client.get(location).status_code == 200
    assert raw_table.get("ev-1") == after_sign


def test_the_thank_you_url_alone_shows_the_form_not_signed(raw_table):
    """A patron shares the address bar with their group: the others must still sign."""
    seed(raw_table)
    signer = Client()
    location = signer.post(URL, GOOD)["Location"]
    mine = signer.get(location).content.decode()
    assert "Waiver signed" in mine and "Grace Hopper</strong> is on the roster" in mine

    friend = Client().get(location)
    html = friend.content.decode()
    assert friend.status_code == 200
    assert "Waiver signed" not in html and "Sign the waiver" in html and "<form" in html
    # The signer's own browser, on another event's page, is not "signed" there either.
    seed(raw_table, "ev-2")
    other = signer.get("/g/ev-2/waiver?signed=1").content.decode()
    assert "Waiver signed" not in other and "<form" in other


def test_signing_an_event_without_roster_creates_it_and_phone_is_optional(raw_table):
    raw_table.put({"event_id": {"S": "ev-1"}, "legacy_flag": {"BOOL": True}})
    response = Client().post(URL, {**GOOD, "phone": ""})
    assert response.status_code == 302
    item = raw_table.get("ev-1")
    (new,) = [entry["M"] for entry in item["roster"]["L"]]
    assert "phone" not in new
    assert item["legacy_flag"] == {"BOOL": True}


def test_signing_again_with_the_same_email_writes_nothing(raw_table):
    seed(raw_table)
    assert Client().post(URL, GOOD).status_code == 302
    before = raw_table.get("ev-1")
    response = Client().post(URL, {**GOOD, "full_name": "G. Hopper", "email": "GRACE@example.com"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "you are already signed up" in html
    assert 'value="G. Hopper"' in html  # the form keeps what was typed
    assert raw_table.get("ev-1") == before


def test_legacy_roster_email_without_roster_emails_counts_as_signed_up(raw_table):
    before = seed(raw_table)  # Ada is on the roster, written by other software: no roster_emails
    assert "roster_emails" not in before
    response = Client().post(URL, {**GOOD, "email": "ADA@example.com"})
    assert response.status_code == 409
    assert "you are already signed up" in response.content.decode()
    assert raw_table.get("ev-1") == before


def test_concurrent_signings_with_one_email_make_one_roster_entry(raw_table):
    seed(raw_table, roster=[])
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    outcomes = []

    def sign(i):
        barrier.wait()
        try:
            services.sign_waiver(event_id="ev-1", full_name=f"Grace {i}", email="Grace@example.com", phone="")
            outcomes.append("signed")
        except services.AlreadySignedUp:
            outcomes.append("duplicate")

    threads = [threading.Thread(target=sign, args=(i,)) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["duplicate"] * (threads_count - 1) + ["signed"]
    item = raw_table.get("ev-1")
    assert len(item["roster"]["L"]) == 1
    assert len(item["audit"]["L"]) == 1
    assert item["roster_emails"] == {"SS": ["grace@example.com"]}


def test_concurrent_posts_with_one_email_through_the_page(raw_table):
    seed(raw_table, roster=[])
    barrier = threading.Barrier(4)
    statuses = []

    def post():
        client = Client()
        barrier.wait()
        statuses.append(client.post(URL, GOOD).status_code)

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 409, 409, 409]
    assert len(roster_of(raw_table)) == 1


# ---- bad input ----

BAD_INPUTS = [
    ({"full_name": ""}, "Please enter your full name."),
    ({"full_name": "   "}, "Please enter your full name."),
    ({"full_name": "x" * 201}, "at most 200 characters"),
    ({"full_name": "Grace\x07Hopper"}, "only letters"),
    ({"email": ""}, "Please enter your email address."),
    ({"email": "grace@"}, "valid email address"),
    ({"email": "grace hopper@example.com"}, "valid email address"),
    ({"phone": "call me"}, "phone number of 7 to 15 digits"),
    ({"phone": "12345"}, "phone number of 7 to 15 digits"),
    ({"phone": "1" * 16}, "phone number of 7 to 15 digits"),
    ({"phone": "+" + "1-" * 20}, "at most 40 characters"),
    ({"agree": None}, "I agree to the waiver"),
]


@pytest.mark.parametrize(("change", "message"), BAD_INPUTS)
def test_each_bad_input_shows_a_message_keeps_values_and_writes_nothing(raw_table, change, message):
    before = seed(raw_table)
    data = {key: value for key, value in {**GOOD, **change}.items() if value is not None}
    response = Client().post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'role="alert"' in html and 'aria-invalid="true"' in html
    if change.get("full_name") is None:
        assert 'value="Grace Hopper"' in html
    assert raw_table.get("ev-1") == before


def test_name_of_200_characters_and_common_phone_formats_are_accepted(raw_table):
    seed(raw_table, roster=[])
    phones = ["(206) 555-0102", "+44 20 7946 0958", "206.555.0102"]
    for i, phone in enumerate(phones):
        name = ("N" * 199 + str(i)) if i == 0 else f"Patron {i}"
        response = Client().post(URL, {**GOOD, "full_name": name, "email": f"p{i}@example.com", "phone": phone})
        assert response.status_code == 302, response.content.decode()
    assert [p["phone"]["S"] for p in roster_of(raw_table)] == phones
    assert len(roster_of(raw_table)[0]["name"]["S"]) == 200


def test_csrf_is_enforced(raw_table):
    before = seed(raw_table)
    client = Client(enforce_csrf_checks=True)
    assert client.post(URL, GOOD).status_code == 403
    assert raw_table.get("ev-1") == before
    html = client.get(URL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert client.post(URL, {**GOOD, "csrfmiddlewaretoken": token}).status_code == 302


# ---- limits ----


def full_roster(count):
    return [patron(f"p{i}", f"Patron {i}", f"patron{i}@example.com") for i in range(count)]


def test_roster_cap_gives_a_clear_message_and_writes_nothing(raw_table):
    before = seed(raw_table, roster=full_roster(services.ROSTER_CAP))
    response = Client().post(URL, GOOD)
    assert response.status_code == 409
    assert "this event is full" in response.content.decode()
    assert raw_table.get("ev-1") == before


def test_roster_cap_holds_under_concurrent_signings(raw_table):
    # Every thread may read 499 patrons; the condition lets exactly one of them in.
    seed(raw_table, roster=full_roster(services.ROSTER_CAP - 1))
    barrier = threading.Barrier(5)
    outcomes = []

    def sign(i):
        barrier.wait()
        try:
            services.sign_waiver(event_id="ev-1", full_name=f"Late {i}", email=f"late{i}@example.com", phone="")
            outcomes.append("signed")
        except services.RosterFull:
            outcomes.append("full")

    threads = [threading.Thread(target=sign, args=(i,)) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["full"] * 4 + ["signed"]
    assert len(roster_of(raw_table)) == services.ROSTER_CAP


def test_item_size_limit_gives_a_clear_message_and_harms_nothing(raw_table):
    # Other software's attribute fills the item to just under DynamoDB's 400 KB.
    blob = "x" * (400 * 1024 - 400)
    before = seed(raw_table, roster=[], big_notes={"S": blob})
    response = Client().post(URL, GOOD)
    assert response.status_code == 409
    assert "cannot add more sign-ups" in response.content.decode()
    assert raw_table.get("ev-1") == before


def test_service_refuses_unknown_and_past_events(raw_table):
    seed(raw_table, event_id="old", days=-1)
    with pytest.raises(services.EventNotFound):
        services.sign_waiver(event_id="nope", full_name="A", email="a@example.com", phone="")
    with pytest.raises(services.EventIsPast):
        services.sign_waiver(event_id="old", full_name="A", email="a@example.com", phone="")
    assert raw_table.get("nope") is None
