"""The seam onto PynamoDB's and botocore's internals (scc.dynamodb): what it relies on still holds.

A PynamoDB upgrade that moves any of these fails here first, with a message saying what
changed and what depends on it, rather than as a slow page, a lost client share or a 500.
"""

import inspect
import threading

import msgspec
import pynamodb
import pytest
from botocore.exceptions import ClientError
from pynamodb.connection import Connection, TableConnection
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.models import Model

from accounts.models import Counter, Operator
from events.models import Event
from scc import dynamodb
from tests.factories import event_item

UPGRADE = (
    "PynamoDB {version}: {what}. scc.dynamodb relies on it for {why}; adapt scc.dynamodb (nothing else touches it)."
)


def relied_on(condition, what, why):
    assert condition, UPGRADE.format(version=pynamodb.__version__, what=what, why=why)


def test_the_seam_was_checked_against_this_major_version():
    relied_on(
        pynamodb.__version__.split(".")[0] == "6",
        "a new major version",
        "everything below (checked against 6.x): re-check each test here, then this line",
    )


def test_models_cache_their_connection_in_a_class_attribute():
    relied_on("_connection" in vars(Model), "Model._connection is gone", "rebinding models to new tables (tests)")
    relied_on(
        callable(getattr(Model, "_get_connection", None)), "Model._get_connection() is gone", "every seam function"
    )


def test_table_connections_hold_a_connection_that_builds_its_client_lazily():
    table = TableConnection("t", region="us-east-1", host="http://127.0.0.1:1")
    relied_on(
        isinstance(getattr(table, "connection", None), Connection),
        "TableConnection.connection is no longer a Connection",
        "reaching the botocore client",
    )
    relied_on(hasattr(table.connection, "_client"), "Connection._client is gone", "sharing one botocore client")
    relied_on(
        isinstance(inspect.getattr_static(Connection, "client", None), property),
        "Connection.client is no longer a property",
        "sharing one botocore client",
    )


def test_table_scans_take_the_projection_filter_and_start_key_and_answer_raw_pages():
    parameters = inspect.signature(TableConnection.scan).parameters
    for name in ("attributes_to_get", "filter_condition", "exclusive_start_key", "limit", "segment", "total_segments"):
        relied_on(name in parameters, f"TableConnection.scan has no `{name}`", "raw Scans (dispatch page, audit)")


@pytest.mark.parametrize("error_class", [UpdateError, PutError])
def test_write_errors_expose_dynamodb_error_codes(error_class):
    refused = ClientError({"Error": {"Code": "ConditionalCheckFailedException", "Message": "no"}}, "UpdateItem")
    too_big = ClientError(
        {"Error": {"Code": "ValidationException", "Message": "Item size has exceeded the maximum allowed size"}},
        "UpdateItem",
    )
    relied_on(
        dynamodb.is_condition_failure(error_class("x", cause=refused)),
        f"{error_class.__name__}.cause_response_code no longer gives the code",
        "telling a failed condition from a failure (409s, idempotency, lockouts)",
    )
    relied_on(
        dynamodb.is_item_too_large(error_class("x", cause=too_big))
        and not dynamodb.is_item_too_large(error_class("x", cause=refused)),
        f"{error_class.__name__}.cause_response_message no longer gives the message",
        "the 400 KB item limit (507)",
    )


def test_bound_models_share_one_client_and_follow_new_table_names(tables):
    clients = {id(dynamodb.raw_client(model)) for model in dynamodb.configured_models()}
    relied_on(len(clients) == 1, "setting Connection._client no longer shares the client", "one client per endpoint")
    relied_on(
        Event._get_connection().table_name == tables.EVENTS_TABLE
        and Operator._get_connection().table_name == tables.OPERATORS_TABLE,
        "clearing Model._connection no longer rebuilds it from Meta",
        "rebinding models to new tables",
    )


def test_raw_scan_pages_through_every_item_projected(raw_table, monkeypatch):
    for n in range(5):
        raw_table.put(event_item(f"ev-{n}", other_software={"S": "kept"}))
    pages = []
    real_scan = TableConnection.scan

    def count_pages(self, *args, **kwargs):
        pages.append(kwargs.get("exclusive_start_key"))
        return real_scan(self, *args, limit=2, **kwargs)

    monkeypatch.setattr(TableConnection, "scan", count_pages)
    items = list(dynamodb.scan_raw(Event, attributes=["event_id", "title"]))
    assert sorted(item["event_id"]["S"] for item in items) == [f"ev-{n}" for n in range(5)]
    assert all(set(item) == {"event_id", "title"} and "S" in item["title"] for item in items)
    assert len(pages) == 3 and pages[0] is None and all(pages[1:])


def test_raw_items_are_created_once_and_never_overwritten(raw_table):
    attributes = {"title": {"S": "Demo"}, "captain": {"S": "Capt. R. Alvarez"}}
    assert dynamodb.create_raw_item(Event, key={"event_id": {"S": "demo"}}, attributes=attributes) is True
    created = raw_table.get("demo")
    assert created == {"event_id": {"S": "demo"}, **attributes}
    again = {"title": {"S": "Changed"}}
    assert dynamodb.create_raw_item(Event, key={"event_id": {"S": "demo"}}, attributes=again) is False
    assert raw_table.get("demo") == created


def test_models_still_describe_their_schema_and_hash_key():
    relied_on(callable(getattr(Model, "_get_schema", None)), "Model._get_schema() is gone", "creating tables")
    schema = Counter._get_schema()
    relied_on(
        {"attribute_definitions", "key_schema"} <= set(schema),
        "Model._get_schema() no longer gives attribute_definitions and key_schema",
        "creating tables (without PynamoDB's early UpdateTimeToLive)",
    )
    relied_on(
        Counter._hash_key_attribute().attr_name == "key",
        "Model._hash_key_attribute() is gone",
        "BatchGetItem keys",
    )


def test_one_batch_get_reads_two_tables_in_order_with_none_for_missing(tables, wire):
    Operator("ann", role="staff").save()
    Counter("login#ann", hits=2).save()
    wire.clear()
    found = dynamodb.batch_get(
        [
            (Counter, "login#ann", ["hits"]),
            (Operator, "ann", ["role"]),
            (Operator, "nobody", ["role"]),
            (Operator, "ann", ["role"]),
        ]
    )
    assert wire == {("BatchGetItem", "counters+operators"): 1}
    assert [type(item).__name__ if item else None for item in found] == ["Counter", "Operator", None, "Operator"]
    assert found[0].hits == 2 and found[1].role == "staff" and found[1].password_hash is None  # projected


def test_batch_get_splits_past_a_hundred_keys(tables, wire):
    for n in range(150):
        Operator(f"op{n:03}", role="staff").save()
    wire.clear()
    found = dynamodb.batch_get([(Operator, f"op{n:03}", ["role"]) for n in range(150)])
    assert [item.username for item in found] == [f"op{n:03}" for n in range(150)]
    assert wire == {("BatchGetItem", "operators"): 2}


def test_batch_reads_take_key_maps_and_a_projection_and_models_name_their_hash_key():
    parameters = inspect.signature(TableConnection.batch_get_item).parameters
    for name in ("keys", "attributes_to_get"):
        relied_on(name in parameters, f"TableConnection.batch_get_item has no `{name}`", "the dispatch page's cards")
    relied_on(
        Event._hash_key_attribute().attr_name == "event_id",
        "Model._hash_key_attribute() no longer names the hash key",
        "building BatchGetItem keys",
    )


def test_raw_batch_reads_return_projected_items_and_leave_out_missing_keys(raw_table):
    for n in range(130):  # more than one BatchGetItem's 100 keys
        raw_table.put(event_item(f"ev-{n:03d}", other_software={"S": "kept"}))
    keys = [f"ev-{n:03d}" for n in range(130)] + ["missing"]
    items = dynamodb.batch_get_raw(Event, keys=keys, attributes=["event_id", "title"])
    assert sorted(item["event_id"]["S"] for item in items) == keys[:-1]
    assert all(set(item) == {"event_id", "title"} for item in items)


def test_raw_get_and_update_answer_typed_maps_whatever_is_stored(raw_table):
    from pynamodb.exceptions import UpdateError

    parameters = inspect.signature(TableConnection.update_item).parameters
    relied_on("return_values" in parameters, "TableConnection.update_item has no `return_values`", "events.writes")
    raw_table.put(event_item("odd", title={"N": "5"}, roster=None, other_software={"B": b"\x00"}))
    item = dynamodb.get_raw(Event, key="odd", attributes=["event_id", "title"])
    assert item == {"event_id": {"S": "odd"}, "title": {"N": "5"}}  # nothing deserialized, nothing refused
    assert dynamodb.get_raw(Event, key="missing") is None
    after = dynamodb.update_raw(
        Event, key="odd", actions=[Event.location.set("Pier 2")], condition=Event.event_id.exists()
    )
    assert after["title"] == {"N": "5"} and after["other_software"] == {"B": b"\x00"}
    assert after["location"] == {"S": "Pier 2"}
    raw_table.put(event_item("mapped", roster=None, **{"audit": {"M": {}}}))
    with pytest.raises(UpdateError) as refused:
        dynamodb.update_raw(Event, key="mapped", actions=[Event.audit.set((Event.audit | []).append([{"S": "x"}]))])
    relied_on(
        dynamodb.is_refused_by_stored_shape(refused.value) and not dynamodb.is_item_too_large(refused.value),
        "an append to a list stored as a map is no longer a ValidationException",
        "refusing writes to values other software stored in another shape (409, not 500)",
    )


class Titled(msgspec.Struct):
    event_id: dict[str, str]
    title: dict[str, str] = {}


def test_scan_items_decodes_the_json_into_the_callers_type_in_parallel_segments(raw_table):
    for n in range(9):
        raw_table.put(event_item(f"ev-{n}", other_software={"S": "kept"}))
    items = list(
        dynamodb.scan_items(Event, attributes=["event_id", "title"], item_type=Titled, segments=3, page_size=2)
    )
    relied_on(
        all(isinstance(item, Titled) for item in items),
        "botocore's before-parse event no longer lets a handler supply the parsed Items",
        "decoding the audit's Scan with msgspec instead of botocore's shape walk",
    )
    assert sorted(item.event_id["S"] for item in items) == [f"ev-{n}" for n in range(9)]
    assert {item.title["S"] for item in items} == {f"Charter ev-{n}" for n in range(9)}
    # Other Scans on the same client, in this thread too, are left to botocore and PynamoDB
    assert sorted(e.event_id for e in Event.scan()) == [f"ev-{n}" for n in range(9)]
    assert all(
        set(item) == {"event_id", "title"} for item in dynamodb.scan_raw(Event, attributes=["event_id", "title"])
    )


def test_a_caller_that_stops_early_stops_the_segment_readers(raw_table):
    for n in range(12):
        raw_table.put(event_item(f"ev-{n}"))
    items = dynamodb.scan_items(Event, attributes=["event_id"], item_type=Titled, segments=4, page_size=1)
    assert next(items).event_id["S"].startswith("ev-")
    items.close()  # what a streamed response does when the client goes away
    assert not [t for t in threading.enumerate() if t.name.startswith("scan-segment")]
