import json
import os
import threading
import time
import uuid
from collections import Counter as Counter_
from contextlib import contextmanager

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django.test import Client
from playwright.sync_api import expect

from accounts import credentials, services
from accounts.models import COMMAND_LINE
from scc.dynamodb import bind_models, configured_models, create_table
from tests.dynalite import Dynalite

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API beside live_server

CHROMIUM = "/usr/lib/chromium/chromium"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def dynalite_server():
    server = Dynalite().start()
    django_settings.DYNAMODB_HOST = server.endpoint
    yield server
    server.stop()


def create_tables(timeout=10):
    for model in configured_models():
        create_table(model)  # dynalite has no TTL: the app reads expired counters as absent
    # dynalite with --createTableMs 0 answers ACTIVE on the first DescribeTable; the poll is only a bounded fallback.
    deadline = time.monotonic() + timeout
    for model in configured_models():
        while model.describe_table()["TableStatus"] != "ACTIVE":
            if time.monotonic() > deadline:
                raise TimeoutError(f"{model.Meta.table_name} is not ACTIVE after {timeout} s")
            time.sleep(0.01)


@pytest.fixture
def tables(dynalite_server, settings):
    """Fresh, uniquely named tables for one test, on the session's dynalite."""
    suffix = uuid.uuid4().hex[:12]
    settings.DYNAMODB_HOST = dynalite_server.endpoint
    settings.EVENTS_TABLE = f"events-{suffix}"
    settings.OPERATORS_TABLE = f"operators-{suffix}"
    settings.COUNTERS_TABLE = ""  # derived: operators-<suffix>-counters
    bind_models()
    create_tables()
    yield settings
    bind_models()


def add_operator(username, role, password=PASSWORD):
    return services.add_operator(actor=COMMAND_LINE, username=username, role=role, password=password)


@pytest.fixture
def admin_user(tables):
    add_operator("alice", "admin")
    return "alice"


@pytest.fixture
def staff_user(tables):
    add_operator("sam", "staff")
    return "sam"


def signed_in_client(username):
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def admin_client(admin_user):
    return signed_in_client(admin_user)


@pytest.fixture
def staff_client(staff_user):
    return signed_in_client(staff_user)


def expired(token, *, hours=13):
    """The same token (same credential id) signed `hours` ago: past its 12-hour max age."""
    import time as time_module
    from unittest import mock

    from django.core import signing

    payload = signing.loads(token, salt=credentials.TOKEN_SALT)
    then = time_module.time() - hours * 3600
    with mock.patch("time.time", return_value=then):
        return signing.dumps(payload, salt=credentials.TOKEN_SALT)


def token_for(username, password=PASSWORD):
    """A Bearer token from a real sign-in (its id is recorded on the operator, as POST /api/login does)."""
    signed_in = services.sign_in(username=username, password=password, kind="token")
    return credentials.make_token(signed_in.claim)


@pytest.fixture
def api(admin_user):
    """An admin's JSON API client (Bearer token: no CSRF)."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(admin_user)}")


def post_json(client, url, body):
    """POST a body as JSON; bytes and str go as they are (malformed-body tests)."""
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def wire(tables):
    """Counts every DynamoDB request on the wire by (operation, table): "events", "operators",
    "counters"; a BatchGetItem across tables names them all ("counters+operators")."""
    from accounts.models import Counter
    from scc.dynamodb import raw_client

    client = raw_client()
    names = {tables.EVENTS_TABLE: "events", tables.OPERATORS_TABLE: "operators", Counter.Meta.table_name: "counters"}
    seen = Counter_()
    lock = threading.Lock()

    def count(request, **kwargs):
        operation = request.headers["X-Amz-Target"].decode().split(".")[-1]
        body = json.loads(request.body or b"{}")
        tables_used = [body["TableName"]] if "TableName" in body else body.get("RequestItems", {})
        label = "+".join(sorted(names.get(table, table) for table in tables_used))
        with lock:
            seen[(operation, label)] += 1

    client.meta.events.register("before-send.dynamodb.*", count, unique_id="test-wire-counts")
    yield seen
    client.meta.events.unregister("before-send.dynamodb.*", unique_id="test-wire-counts")


@contextmanager
def events_table_calls(table_name):
    """Collects (operation, ConsistentRead) for each request to `table_name` made inside the block
    (a BatchGetItem counts when it reads from that table, with that table's ConsistentRead)."""
    from scc.dynamodb import raw_client

    client = raw_client()
    calls = []

    def record(params, model, **kwargs):
        if params.get("TableName") == table_name:
            calls.append((model.name, params.get("ConsistentRead")))
        elif table_name in params.get("RequestItems", {}):
            calls.append((model.name, params["RequestItems"][table_name].get("ConsistentRead")))

    client.meta.events.register("provide-client-params.dynamodb.*", record, unique_id="events-table-calls")
    try:
        yield calls
    finally:
        client.meta.events.unregister("provide-client-params.dynamodb.*", unique_id="events-table-calls")


def browser_sign_in(page, base_url, username="alice", password=PASSWORD):
    """Sign in through the login form and land on the dispatch page."""
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dispatch", exact=True)).to_be_visible()


@pytest.fixture
def raw_table(tables, dynalite_server):
    """A plain botocore client on the events table, for reading and seeding raw items."""
    from scc.dynamodb import raw_client

    client = raw_client()

    class Raw:
        name = tables.EVENTS_TABLE

        def put(self, item):
            client.put_item(TableName=self.name, Item=item)  # test seeding only

        def get(self, event_id):
            return client.get_item(TableName=self.name, Key={"event_id": {"S": event_id}}, ConsistentRead=True).get(
                "Item"
            )

        def delete(self, event_id):
            client.delete_item(TableName=self.name, Key={"event_id": {"S": event_id}})

    return Raw()


@pytest.fixture
def break_glass(settings):
    settings.ADMIN_PASS_HASH = make_password("break glass now")
    return "break glass now"


# Playwright: use Debian's Chromium (Playwright cannot download browsers here).
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture(scope="session")
def app_server():
    """The app on a real HTTP port in this process (no SQL database, so not pytest-django's)."""
    import threading

    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    class Live:
        url = f"http://127.0.0.1:{server.server_port}"

    yield Live()
    server.shutdown()
    server.server_close()


# A 2-core CI machine running dynalite, the app and Chromium at once can be slow:
# wait longer than Playwright's 5 s before calling a page broken.
expect.set_options(timeout=15_000)


@pytest.fixture
def page(page):
    page.set_default_timeout(15_000)
    # Shown with a failing test's output: what the browser saw go wrong.
    page.on("console", lambda m: print(f"[console.{m.type}] {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: print(f"[pageerror] {error}"))
    page.on("requestfailed", lambda r: print(f"[requestfailed] {r.method} {r.url}: {r.failure}"))
    page.on("response", lambda r: print(f"[http {r.status}] {r.url}") if r.status >= 400 else None)
    return page


# Test tiers ------------------------------------------------------------------------------
# `make test-fast` runs -m "not slow"; `make test` runs everything. Browser and fuzz tests are
# recognised here from what they use; the other tiers are marked in their modules (pytestmark).
SLOW_TIERS = ("browser", "fuzz", "wire", "zappa", "soak")


def _tiers(item):
    used = set(item.fixturenames)
    tiers = {marker.name for marker in item.iter_markers() if marker.name in SLOW_TIERS}
    if "browser" in used:  # pytest-playwright's Chromium, behind page and context
        tiers.add("browser")
    if getattr(item.obj, "is_hypothesis_test", False) and "tables" in used:
        tiers.add("fuzz")  # examples through the whole stack to dynalite; pure property tests stay fast
    return tiers


def pytest_collection_modifyitems(items):
    for item in items:
        tiers = _tiers(item)
        for tier in sorted(tiers):
            item.add_marker(tier)
        if tiers:
            item.add_marker("slow")
