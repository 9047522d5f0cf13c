"""Managing operators: the /operators/ page and its JSON API, the last enabled admin, and the audit."""

import contextlib
import csv
import io
import json
import threading

import pytest
from django.test import Client

from accounts import selectors, services
from accounts.errors import LastAdmin
from accounts.models import COMMAND_LINE, Operator, OperatorUser
from scc.exceptions import DomainError
from tests.conftest import PASSWORD, add_operator, signed_in_client, token_for

NEW = "a fresh passphrase 7"


def api(username="alice"):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(username)}")


def patch(client, username, body):
    return client.patch(f"/api/operators/{username}", json.dumps(body), content_type="application/json")


def raw_operator(tables, username):
    from scc.dynamodb import raw_client

    return raw_client().get_item(
        TableName=tables.OPERATORS_TABLE, Key={"username": {"S": username}}, ConsistentRead=True
    )["Item"]


def lock(username):
    for _ in range(5):
        Client().post("/login/", {"username": username, "password": "wrong"})


# The JSON API -------------------------------------------------------------------------------------


def test_add_list_and_change_through_the_api_never_showing_the_hash(admin_user, tables):
    client = api()
    response = client.post(
        "/api/operators",
        json.dumps({"username": "dana", "role": "staff", "password": NEW}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json() == {
        "ok": True,
        "operator": {
            "username": "dana",
            "role": "staff",
            "disabled": False,
            "locked_until": None,
            "last_login_at": None,
        },
    }
    assert signed_in_client_ok("dana", NEW)
    listing = client.get("/api/operators").json()
    assert [op["username"] for op in listing["operators"]] == ["alice", "dana"]
    assert all(
        set(op) == {"username", "role", "disabled", "locked_until", "last_login_at"} for op in listing["operators"]
    )
    assert listing["operators"][1]["last_login_at"]  # dana just signed in
    text = json.dumps(listing)
    assert "pbkdf2" not in text and "md5$" not in text and "sessions" not in text
    response = patch(client, "dana", {"role": "admin"})
    assert response.status_code == 200 and response.json()["operator"]["role"] == "admin"
    response = patch(client, "dana", {"disabled": True})
    assert response.json()["operator"]["disabled"] is True
    assert not signed_in_client_ok("dana", NEW)
    patch(client, "dana", {"disabled": False, "password": "another passphrase 8"})
    assert signed_in_client_ok("dana", "another passphrase 8")


def signed_in_client_ok(username, password):
    return Client().post("/login/", {"username": username, "password": password}).status_code == 302


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "dana", "role": "staff"}, "password"),
        ({"username": "dana", "role": "captain", "password": NEW}, "role"),
        ({"username": "bad name", "role": "staff", "password": NEW}, "username"),
        ({"username": "dana", "role": "staff", "password": "short"}, "password"),
        ({"username": "dana", "role": "staff", "password": "1234567890123"}, "password"),
        ({"username": 7, "role": "staff", "password": NEW}, "username"),
        ({"username": "dana", "role": "staff", "password": NEW, "hash": "x"}, "hash"),
        ({"username": "admin", "role": "staff", "password": NEW}, "username"),
    ],
)
def test_api_add_refuses_bad_input_with_field_messages(admin_user, body, field):
    response = api().post("/api/operators", json.dumps(body), content_type="application/json")
    assert response.status_code == 400, response.json()
    assert response.json()["ok"] is False and field in response.json()["fields"]
    assert selectors.get_operator("dana") is None


def test_api_add_of_a_taken_name_is_409(admin_user):
    body = json.dumps({"username": "alice", "role": "staff", "password": NEW})
    response = api().post("/api/operators", body, content_type="application/json")
    assert response.status_code == 409 and "already exists" in response.json()["error"]
    assert selectors.operator_row("alice").role == "admin"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"role": "captain"}, 400),
        ({"disabled": "yes"}, 400),
        ({"unlock": 1}, 400),
        ({"password": "short"}, 400),
        ({"nickname": "x"}, 400),
    ],
)
def test_api_patch_refuses_bad_input(admin_user, staff_user, body, status):
    before = raw_operator_without_sessions(staff_user)
    response = patch(api(), staff_user, body)
    assert response.status_code == status and response.json()["ok"] is False
    assert raw_operator_without_sessions(staff_user) == before


def raw_operator_without_sessions(username):
    from scc.dynamodb import raw_client

    item = raw_client().get_item(
        TableName=Operator.Meta.table_name, Key={"username": {"S": username}}, ConsistentRead=True
    )
    return {k: v for k, v in item["Item"].items() if k not in ("sessions", "last_login_at")}


def test_api_patch_of_an_unknown_operator_is_404(admin_user):
    assert patch(api(), "nobody", {"role": "staff"}).status_code == 404
    assert selectors.get_operator("nobody") is None


def test_api_patch_unlock_ends_a_lock(admin_user, staff_user):
    lock(staff_user)
    row = api().get("/api/operators").json()["operators"][1]
    assert row["username"] == "sam" and row["locked_until"]
    response = patch(api(), "sam", {"unlock": True})
    assert response.json()["operator"]["locked_until"] is None
    assert signed_in_client_ok("sam", PASSWORD)


def test_staff_cannot_manage_operators(staff_user):
    client = api(staff_user)
    assert client.get("/api/operators").status_code == 403
    assert patch(client, staff_user, {"role": "admin"}).status_code == 403
    assert signed_in_client(staff_user).get("/operators/").status_code == 403
    assert selectors.operator_row(staff_user).role == "staff"


# The last enabled admin --------------------------------------------------------------------------


def test_the_last_enabled_admin_cannot_be_demoted(admin_user, staff_user):
    response = patch(api(), "alice", {"role": "staff"})
    assert response.status_code == 409 and "no enabled admin" in response.json()["error"]
    assert selectors.operator_row("alice").role == "admin"


def test_the_last_enabled_admin_cannot_be_disabled_even_from_the_command_line(admin_user):
    with pytest.raises(LastAdmin):
        services.update_operator(actor=COMMAND_LINE, username="alice", disabled=True)
    assert not selectors.operator_row("alice").disabled


def test_one_cannot_disable_oneself(admin_user):
    add_operator("dana", "admin")
    response = patch(api(), "alice", {"disabled": True})
    assert response.status_code == 400
    assert not selectors.operator_row("alice").disabled


def test_an_admin_can_step_down_when_another_admin_remains(admin_user):
    add_operator("dana", "admin")
    assert patch(api(), "alice", {"role": "staff"}).status_code == 200
    assert selectors.operator_row("alice").role == "staff"


def test_a_disabled_admin_does_not_count(admin_user):
    add_operator("dana", "admin")
    services.update_operator(actor=COMMAND_LINE, username="dana", disabled=True)
    with pytest.raises(LastAdmin):
        services.update_operator(actor=COMMAND_LINE, username="alice", role="staff")


def test_two_admins_demoting_each_other_at_once_never_leave_no_admin(admin_user):
    """Repeated races: every round, alice and dana demote each other from two threads released together."""
    add_operator("dana", "admin")
    users = {name: OperatorUser(name, "admin") for name in ("alice", "dana")}
    outcomes = []
    for _ in range(15):
        start = threading.Barrier(2)
        results = {}

        def demote(actor, target, results=results, start=start):
            start.wait()
            try:
                services.update_operator(actor=users[actor], username=target, role="staff")
                results[target] = "demoted"
            except Exception as error:  # a refusal: which one is the outcome
                results[target] = type(error).__name__

        threads = [threading.Thread(target=demote, args=pair) for pair in (("alice", "dana"), ("dana", "alice"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        admins = [row.username for row in selectors.list_operators() if row.role == "admin" and not row.disabled]
        assert admins, results  # never none
        assert list(results.values()).count("demoted") <= 1, results
        outcomes.append(tuple(sorted(results.values())))
        for row in selectors.list_operators():  # both admins again for the next round
            if row.role != "admin":
                services.update_operator(actor=COMMAND_LINE, username=row.username, role="admin")
    # The refusals are the guard's own (never a crash), and every pin was released.
    assert {value for outcome in outcomes for value in outcome} <= {"demoted", "LastAdmin", "AdminChangeInProgress"}
    assert all(selectors.get_operator(name).pinned_until is None for name in ("alice", "dana"))


def test_many_admins_disabling_each_other_at_once_leave_one(admin_user):
    names = ["alice", "bea", "cy", "di"]
    for name in names[1:]:
        add_operator(name, "admin")
    start = threading.Barrier(len(names))

    def disable(actor, target):
        start.wait()
        with contextlib.suppress(DomainError):  # refusals are expected; the state is checked below
            services.update_operator(actor=OperatorUser(actor, "admin"), username=target, disabled=True)

    # Each disables the next: a cycle, where every success needs another admin left.
    threads = [threading.Thread(target=disable, args=(a, names[(n + 1) % 4])) for n, a in enumerate(names)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    enabled = [row.username for row in selectors.list_operators() if not row.disabled]
    assert len(enabled) >= 1


# The audit ---------------------------------------------------------------------------------------


def test_every_change_is_audited_on_the_operators_item_in_the_same_write(admin_user, tables):
    add_operator("dana", "staff")
    alice = OperatorUser("alice", "admin")
    services.update_operator(actor=alice, username="dana", role="admin")
    services.update_operator(actor=alice, username="dana", disabled=True)
    services.update_operator(actor=alice, username="dana", disabled=False, password=NEW)
    services.update_operator(actor=alice, username="dana", unlock=True)
    services.update_operator(actor=alice, username="dana", role="admin")  # no change: nothing written
    entries = raw_operator(tables, "dana")["audit"]["L"]
    assert [(e["M"]["operator"]["S"], e["M"]["action"]["S"], e["M"]["detail"]["S"]) for e in entries] == [
        ("(command line)", "operator.added", "added as staff"),
        ("alice", "operator.updated", "role staff → admin"),
        ("alice", "operator.updated", "disabled"),
        ("alice", "operator.updated", "enabled, password reset"),
        ("alice", "operator.updated", "unlocked"),
    ]
    text = json.dumps(raw_operator(tables, "dana")["audit"])
    assert NEW not in text and "pbkdf2" not in text and "md5$" not in text


def test_operator_changes_show_in_the_audit_page_and_csv_beside_events(admin_client, staff_user):
    services.update_operator(actor=OperatorUser("alice", "admin"), username=staff_user, role="admin")
    response = admin_client.get("/audit/")
    rows = [(r.operator, r.action, r.subject, r.detail) for r in response.context["page"].rows]
    assert ("alice", "operator.updated", "sam", "sam: role staff → admin") in rows
    assert ("(command line)", "operator.added", "sam", "sam: added as staff") in rows
    html = response.content.decode()
    assert "Operator updated" in html and "Operator sam" in html
    by_action = admin_client.get("/audit/?action=operator.updated").context["page"].rows
    assert [(r.operator, r.subject) for r in by_action] == [("alice", "sam")]
    about_sam = admin_client.get("/audit/?operator=sam").context["page"].rows  # by sam, or about sam
    assert {r.action for r in about_sam} == {"operator.added", "operator.updated"}
    assert admin_client.get("/audit/?event=x").context["page"].rows == []
    body = b"".join(admin_client.get("/audit.csv?action=operator.updated").streaming_content).decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(body)))
    assert [(line[2], line[3], line[4], line[10]) for line in lines] == [
        ("alice", "operator.updated", "", "sam: role staff → admin")
    ]


# The page ----------------------------------------------------------------------------------------


def test_the_page_lists_operators_with_status_lock_and_last_sign_in(admin_client, staff_user):
    add_operator("dana", "staff")
    services.update_operator(actor=COMMAND_LINE, username="dana", disabled=True)
    lock(staff_user)
    html = admin_client.get("/operators/").content.decode()
    assert "Locked until" in html and "Last sign-in" in html
    sam = row_html(html, "sam")
    assert "Unlock</button>" in sam and "Active" in sam and "Never" in sam
    dana = row_html(html, "dana")
    assert "Disabled" in dana and ">Enable</button>" in dana and "Unlock" not in dana
    alice = row_html(html, "alice")
    assert "You" in alice and ">Disable</button>" not in alice  # not oneself
    assert "pbkdf2" not in html and "md5$" not in html


def row_html(html, username):
    start = html.index(f'<tr data-username="{username}">')
    return html[start : html.index("</tr>", start)]


def test_page_actions_redirect_with_a_message(admin_client, staff_user):
    def act(path, data=None):
        response = admin_client.post(path, data or {}, follow=True)
        assert response.redirect_chain == [("/operators/", 302)], response.content.decode()[:500]
        return [str(m) for m in response.context["messages"]]

    assert act("/operators/sam/role/", {"role": "admin"}) == [
        "sam is admin now. Their sessions and API tokens were signed out."
    ]
    assert act("/operators/sam/disable/") == [
        "Disabled sam: they cannot sign in. Their sessions and API tokens were signed out."
    ]
    assert act("/operators/sam/enable/") == ["Enabled sam: they can sign in again."]
    lock(staff_user)
    assert act("/operators/sam/unlock/") == ["Unlocked sam: they can sign in again."]
    assert selectors.operator_row("sam").locked_until is None
    response = admin_client.post(
        "/operators/", {"username": "dana", "role": "staff", "password": NEW, "password_confirm": NEW}
    )
    assert response.status_code == 302
    assert selectors.operator_row("dana").role == "staff"


def test_page_refusals_show_on_the_page(admin_client):
    response = admin_client.post("/operators/alice/role/", {"role": "staff"})
    assert response.status_code == 409
    assert 'role="alert">That would leave no enabled admin' in response.content.decode()
    response = admin_client.post(
        "/operators/", {"username": "x y", "role": "staff", "password": "short", "password_confirm": "short"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_username_error"' in html
    response = admin_client.post(
        "/operators/",
        {"username": "dana", "role": "staff", "password": "123456789012", "password_confirm": "123456789012"},
    )
    html = response.content.decode()
    assert "This password is entirely numeric." in html and 'aria-invalid="true"' in html
    assert selectors.get_operator("dana") is None


def test_reset_password_page(admin_client, staff_user):
    session = signed_in_client(staff_user)
    page = admin_client.get("/operators/sam/password/")
    assert page.status_code == 200 and "Reset password for sam" in page.content.decode()
    mismatch = admin_client.post("/operators/sam/password/", {"password": NEW, "password_confirm": "other"})
    assert mismatch.status_code == 400 and "do not match" in mismatch.content.decode()
    done = admin_client.post("/operators/sam/password/", {"password": NEW, "password_confirm": NEW}, follow=True)
    assert done.redirect_chain == [("/operators/", 302)]
    assert session.get("/").status_code == 302  # signed out everywhere
    assert signed_in_client_ok("sam", NEW)
    assert admin_client.get("/operators/nobody/password/").status_code == 404


def test_a_demoted_admins_page_session_is_gone_at_once(admin_user):
    add_operator("dana", "admin")
    dana = signed_in_client("dana")
    assert dana.get("/operators/").status_code == 200
    patch(api(), "dana", {"role": "staff"})
    assert dana.get("/operators/").status_code == 302  # signed out, not merely refused
    assert (
        signed_in_client(
            "dana",
        )
        .get("/operators/")
        .status_code
        == 403
    )


def test_an_operator_written_by_the_previous_version_signs_in_and_is_managed(admin_user, tables):
    """Items from before sessions, counters and the audit: lockout fields on the item, no `sessions` map."""
    from django.contrib.auth.hashers import make_password

    from scc.dynamodb import raw_client

    raw_client().put_item(
        TableName=tables.OPERATORS_TABLE,
        Item={
            "username": {"S": "olda"},
            "role": {"S": "staff"},
            "password_hash": {"S": make_password(PASSWORD)},
            "disabled": {"BOOL": False},
            "failed_logins": {"N": "3"},
            "locked_until": {"S": "2000-01-01T00:00:00+00:00"},
            "created_at": {"S": "2025-01-01T00:00:00+00:00"},
        },
    )
    session, token = signed_in_client("olda"), token_for("olda")
    assert session.get("/").status_code == 200
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/events/x").status_code == 404
    assert [row.username for row in selectors.list_operators()] == ["alice", "olda"]
    services.update_operator(actor=OperatorUser("alice", "admin"), username="olda", role="admin")
    assert session.get("/").status_code == 302
    item = raw_operator(tables, "olda")
    assert item["failed_logins"] == {"N": "3"}  # attributes the app no longer uses are left alone
    assert [e["M"]["detail"]["S"] for e in item["audit"]["L"]] == ["role staff → admin"]
