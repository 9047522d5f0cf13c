import io

import pytest
from django.core.management import CommandError, call_command

from accounts import backends, selectors
from accounts.models import Counter, Operator
from events.models import Event


def run(*args, stdin=None, monkeypatch=None):
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command(*args, stdout=out)
    return out.getvalue()


def test_dynamodb_setup_creates_missing_tables_and_leaves_existing(dynalite_server, settings):
    import uuid

    from scc.dynamodb import bind_models

    settings.EVENTS_TABLE = f"setup-events-{uuid.uuid4().hex[:8]}"
    settings.OPERATORS_TABLE = f"setup-ops-{uuid.uuid4().hex[:8]}"
    settings.COUNTERS_TABLE = ""
    bind_models()
    output = run("dynamodb_setup")
    assert f"{settings.EVENTS_TABLE}: created\n" in output
    assert f"{settings.OPERATORS_TABLE}: created\n" in output
    # The counters table: its own, named after the operators table, TTL asked for (dynalite has none).
    assert Counter.Meta.table_name == f"{settings.OPERATORS_TABLE}-counters"
    assert (
        f"{settings.OPERATORS_TABLE}-counters: created; TTL on expires_at: not supported by this endpoint (dynalite)"
        in output
    )
    assert Event.describe_table()["TableStatus"] == "ACTIVE"
    Event("keep").update(actions=[Event.title.set("Keep me")])
    output = run("dynamodb_setup")
    assert f"{settings.EVENTS_TABLE}: exists, left as it is\n" in output
    assert f"{settings.OPERATORS_TABLE}-counters: exists, left as it is; TTL on expires_at: not supported" in output
    assert Event.get("keep").title == "Keep me"


def test_an_explicit_counters_table_name_wins(dynalite_server, settings):
    import uuid

    from scc.dynamodb import bind_models

    settings.COUNTERS_TABLE = f"my-counters-{uuid.uuid4().hex[:8]}"
    bind_models()
    try:
        assert Counter.Meta.table_name == settings.COUNTERS_TABLE
    finally:
        settings.COUNTERS_TABLE = ""
        bind_models()


def test_operators_add_list_disable_set_password(tables, monkeypatch):
    out = run(
        "operators",
        "add",
        "dana",
        "--role",
        "admin",
        "--password-stdin",
        stdin="a long password\n",
        monkeypatch=monkeypatch,
    )
    assert "Added admin dana" in out
    assert selectors.operator_row("dana").role == "admin"
    listing = run("operators", "list")
    assert "dana" in listing and "admin" in listing and "active" in listing
    assert "pbkdf2" not in listing and "md5" not in listing
    run("operators", "set-password", "dana", "--password-stdin", stdin="another long one\n", monkeypatch=monkeypatch)
    assert backends.authenticate(username="dana", password="another long one").username == "dana"
    run(
        "operators",
        "add",
        "erin",
        "--role",
        "admin",
        "--password-stdin",
        stdin="a long password\n",
        monkeypatch=monkeypatch,
    )
    run("operators", "disable", "dana")
    assert "disabled" in run("operators", "list")
    assert backends.role_and_hash("dana", selectors.get_operator("dana")) is None
    # Each change is audited as made from the command line.
    actions = [(e.operator, e.action, e.detail) for e in selectors.operator_audit_entries() if e.username == "dana"]
    assert actions == [
        ("(command line)", "operator.added", "added as admin"),
        ("(command line)", "operator.updated", "password reset"),
        ("(command line)", "operator.updated", "disabled"),
    ]


def test_operators_errors_are_clear(tables, monkeypatch):
    run("operators", "add", "dana", "--password-stdin", stdin="a long password\n", monkeypatch=monkeypatch)
    with pytest.raises(CommandError, match="already exists"):
        run("operators", "add", "dana", "--password-stdin", stdin="a long password\n", monkeypatch=monkeypatch)
    with pytest.raises(CommandError, match="at least 10"):
        run("operators", "add", "eve", "--password-stdin", stdin="short\n", monkeypatch=monkeypatch)
    with pytest.raises(CommandError, match="too common"):
        run("operators", "add", "eve", "--password-stdin", stdin="password123\n", monkeypatch=monkeypatch)
    with pytest.raises(CommandError, match="No operator"):
        run("operators", "disable", "nobody")
    assert selectors.get_operator("nobody") is None
    run(
        "operators",
        "add",
        "boss",
        "--role",
        "admin",
        "--password-stdin",
        stdin="a long password\n",
        monkeypatch=monkeypatch,
    )
    with pytest.raises(CommandError, match="no enabled admin"):
        run("operators", "disable", "boss")


def test_seed_demo_is_idempotent_and_prints_admin(tables, raw_table):
    first = run("seed_demo")
    assert "Demo admin: demo-admin / " in first
    events = {e.event_id: e for e in Event.scan()}
    assert len(events) >= 4
    legacy = [r for e in events.values() for r in (e.payments or []) if r.is_legacy]
    assert len(legacy) == 2  # the fishing charter's and the dock day's
    Event("demo-sunset-cruise").update(actions=[Event.title.set("Changed by someone")])
    second = run("seed_demo")
    assert "Demo admin: demo-admin / " in second
    assert Event.get("demo-sunset-cruise").title == "Changed by someone"
    password = second.split("Demo admin: demo-admin / ")[1].split()[0]
    assert backends.authenticate(username="demo-admin", password=password).role == "admin"
    assert raw_table.get("demo-whale-watch")["captain"] == {"S": "Capt. R. Alvarez"}


def test_seed_demo_refuses_remote_endpoints(tables, settings):
    settings.DYNAMODB_HOST = None
    with pytest.raises(CommandError, match="local"):
        run("seed_demo")
    assert Operator.count() == 0
