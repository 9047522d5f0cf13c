"""Where the PynamoDB models talk to, and the one seam onto PynamoDB's and botocore's internals.

Models declare a `settings_table` (the settings name holding their table name);
`bind_models()` points every model at the configured endpoint. Tests call it again
after changing table names.

Only this module touches what PynamoDB keeps private (`Model._connection`,
`Model._get_connection()`, `Connection._client`, `Model._get_schema()`) or calls botocore's client
directly: sharing one client, raw GetItem, UpdateItem and Scan pages and batch reads (events.items
reads what they return, whatever its shape), parallel Scan segments decoded straight from the
response's JSON for the audit trail, raw conditional writes for demo data, one BatchGetItem across
tables, creating tables with TTL, the raw client for tests and benchmarks.
tests/test_dynamodb_seam.py fails, saying what changed, when a PynamoDB upgrade moves any of it.
"""

import functools
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.utils.module_loading import import_string
from pynamodb.attributes import TTLAttribute
from pynamodb.exceptions import GetError, UpdateError

# Fail fast: a page should not hang for a dead endpoint.
CONNECT_TIMEOUT_SECONDS = 2
READ_TIMEOUT_SECONDS = 5
MAX_RETRY_ATTEMPTS = 3


def configured_models():
    return [import_string(path) for path in settings.DYNAMODB_MODELS]


def table_name(model):
    """The model's table from settings; a model may derive a default (the counters table does)."""
    name = getattr(settings, model.settings_table, "")
    if not name and hasattr(model, "default_table_name"):
        name = model.default_table_name()
    return name


def bind_model(model):
    meta = model.Meta
    meta.table_name = table_name(model)
    meta.host = settings.DYNAMODB_HOST
    meta.region = settings.AWS_REGION
    meta.connect_timeout_seconds = CONNECT_TIMEOUT_SECONDS
    meta.read_timeout_seconds = READ_TIMEOUT_SECONDS
    meta.max_retry_attempts = MAX_RETRY_ATTEMPTS
    if settings.DYNAMODB_HOST:
        # Local endpoints (dynalite) accept any credentials.
        meta.aws_access_key_id = getattr(meta, "aws_access_key_id", None) or "local"
        meta.aws_secret_access_key = getattr(meta, "aws_secret_access_key", None) or "local"
    model._connection = None  # PynamoDB caches the connection per class; rebuild it from Meta
    _share_client(model)


def bind_models():
    for model in configured_models():
        bind_model(model)


# Building a botocore client loads the service model (~100 ms): build one per
# endpoint and share it between models (cold starts) and rebindings (tests).
_clients = {}


def _share_client(model):
    connection = model._get_connection().connection
    key = (model.Meta.host, model.Meta.region)
    if key in _clients:
        connection._client = _clients[key]
    else:
        client = _clients[key] = connection.client
        client.meta.events.register(_BEFORE_PARSE_SCAN, _decode_scan_items, unique_id=_BEFORE_PARSE_SCAN)


def raw_client(model=None):
    """The botocore DynamoDB client `model` uses (by default the first configured model's; all share one)."""
    model = model or configured_models()[0]
    return model._get_connection().connection.client


def get_raw(model, *, key, consistent=True, attributes=None):
    """The item with this (string) hash key as DynamoDB's raw typed maps, projected to `attributes`
    (None: the whole item), or None when there is none. Nothing is deserialized: the caller reads
    what it can of the values (events.items), whatever their types."""
    answer = model._get_connection().get_item(key, consistent_read=consistent, attributes_to_get=attributes)
    return answer.get("Item")


def update_raw(model, *, key, actions, condition=None):
    """One UpdateItem of PynamoDB actions under a condition; the whole item after it (ALL_NEW) as raw
    typed maps. Failures are PynamoDB's UpdateError (is_condition_failure, is_item_too_large, ...)."""
    answer = model._get_connection().update_item(key, actions=actions, condition=condition, return_values="ALL_NEW")
    return answer.get("Attributes", {})


def scan_raw(model, *, attributes, filter_condition=None, page_size=None):
    """Every item of the model's table as DynamoDB's raw typed maps, projected to `attributes`, page by page.

    filter_condition: a PynamoDB condition DynamoDB applies before answering (a FilterExpression):
    items it rejects are still read (and paid for) but never sent back.
    Through PynamoDB's connection, so its retries and errors apply (a dead table is a
    PynamoDBConnectionError, which the outage middleware answers with 503). For reads where
    building models costs more than the Scan itself. page_size: items per Scan page (Limit), which
    bounds memory; None leaves DynamoDB's own 1 MB cap.
    """
    for page in _segment_pages(model, attributes=attributes, filter_condition=filter_condition, page_size=page_size):
        yield from page


def scan_items(model, *, attributes, item_type, segments=1, page_size=None):
    """Every item of the model's table, projected to `attributes`, decoded into `item_type` (a msgspec type).

    For reads of the whole table where even botocore's parsing costs more than the Scan: botocore
    walks its shape model for every attribute value, while msgspec decodes the response's JSON
    straight into `item_type` and skips whatever it does not declare (see `_page_decoder`).

    segments > 1 reads that many Scan segments (Segment/TotalSegments) in parallel threads, so the
    waits for DynamoDB overlap each other and the decoding. Items come as their pages arrive: key
    order within a segment, no order across segments. Memory is bounded whatever the table's
    size: each reader holds one page, at most `segments` more wait, the caller consumes one.
    page_size: items per Scan page (Limit); None leaves DynamoDB's own cap of 1 MB read.
    Errors are PynamoDB's, raised to the caller; a caller that stops early stops the readers.
    """
    decoder = _page_decoder(item_type)
    if segments == 1:
        for page in _segment_pages(model, attributes=attributes, page_size=page_size, decoder=decoder):
            yield from page
        return
    pages = queue.Queue(maxsize=segments)
    stop = threading.Event()

    def read(segment):
        try:
            for page in _segment_pages(
                model, attributes=attributes, page_size=page_size, decoder=decoder, segment=(segment, segments)
            ):
                if not _hand_over(pages, page, stop):
                    return
            _hand_over(pages, _SEGMENT_DONE, stop)
        except BaseException as exc:  # handed to the caller, who raises it
            _hand_over(pages, _Failure(exc), stop)

    with ThreadPoolExecutor(max_workers=segments, thread_name_prefix="scan-segment") as readers:
        for segment in range(segments):
            readers.submit(read, segment)
        try:
            done = 0
            while done < segments:
                page = pages.get()
                if page is _SEGMENT_DONE:
                    done += 1
                elif isinstance(page, _Failure):
                    raise page.exc
                else:
                    yield from page
        finally:
            stop.set()  # the readers give up at their next page; leaving `with` waits for them


_SEGMENT_DONE = object()


class _Failure:
    def __init__(self, exc):
        self.exc = exc


def _hand_over(pages, page, stop):
    """Put `page` on the queue unless the caller stopped reading; False once it has."""
    while not stop.is_set():
        try:
            pages.put(page, timeout=0.05)
            return True
        except queue.Full:
            continue
    return False


def _segment_pages(model, *, attributes, filter_condition=None, page_size=None, decoder=None, segment=None):
    """The pages (lists of items) of one Scan, or of one segment: segment=(number, total)."""
    connection = model._get_connection()
    options = {"limit": page_size} if page_size else {}
    if filter_condition is not None:
        options["filter_condition"] = filter_condition
    if segment:
        options["segment"], options["total_segments"] = segment
    start = None
    while True:
        _decoding.decoder = decoder  # set only around the request: this thread may make other Scans between pages
        try:
            page = connection.scan(attributes_to_get=attributes, exclusive_start_key=start, **options)
        finally:
            _decoding.decoder = None
        yield page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if not start:
            return


BATCH_GET_MAX_KEYS = 100  # DynamoDB's limit per BatchGetItem
BATCH_GET_ATTEMPTS = 5


def batch_get_raw(model, *, keys, attributes):
    """The items of the model's table with these (string) hash keys, as raw typed maps projected to
    `attributes`, in no particular order; keys without an item are left out. Keys DynamoDB leaves
    unprocessed (throttling) are asked for again, a few times, with a short backoff."""
    connection = model._get_connection()
    table = model.Meta.table_name
    name = model._hash_key_attribute().attr_name
    found = []
    for start in range(0, len(keys), BATCH_GET_MAX_KEYS):
        pending = [{name: {"S": key}} for key in keys[start : start + BATCH_GET_MAX_KEYS]]
        for attempt in range(BATCH_GET_ATTEMPTS):
            answer = connection.batch_get_item(pending, attributes_to_get=attributes)
            found += answer.get("Responses", {}).get(table, [])
            pending = answer.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
            if not pending:
                break
            time.sleep(0.05 * 2**attempt)
        else:
            raise RuntimeError(f"BatchGetItem left {len(pending)} keys unprocessed after {BATCH_GET_ATTEMPTS} attempts")
    return found


# botocore's `before-parse` event lets a handler take over part of a response: the items it
# decodes go into `customized_response_dict`, and botocore parses only what is left of the body
# (the start key, counts and consumed capacity, which stay botocore's as PynamoDB reads them).
# Only Scans that asked for it, in their own thread, are touched.
_BEFORE_PARSE_SCAN = "before-parse.dynamodb.Scan"
_decoding = threading.local()


def _decode_scan_items(response_dict, customized_response_dict, **kwargs):
    decoder = getattr(_decoding, "decoder", None)
    if decoder is None or response_dict["status_code"] >= 300:
        return
    import msgspec  # already imported by _page_decoder

    page = decoder.decode(response_dict["body"])
    customized_response_dict["Items"] = page.Items
    rest = {"Count": page.Count, "ScannedCount": page.ScannedCount}
    for name in ("LastEvaluatedKey", "ConsumedCapacity"):
        if raw := getattr(page, name):
            rest[name] = raw
    response_dict["body"] = msgspec.json.encode(rest)


@functools.cache
def _page_decoder(item_type):
    # msgspec is imported here, not at the top: only the audit's reads need it, and the import
    # (~9 ms) would otherwise be paid by every cold start.
    import msgspec

    page_type = msgspec.defstruct(
        "ScanPage",
        [
            ("Items", list[item_type], []),
            ("Count", int, 0),
            ("ScannedCount", int, 0),
            ("LastEvaluatedKey", msgspec.Raw, msgspec.Raw()),  # left raw: re-encoded for botocore as it came
            ("ConsumedCapacity", msgspec.Raw, msgspec.Raw()),
        ],
    )
    return msgspec.json.Decoder(page_type)


def create_raw_item(model, *, key, attributes):
    """Create an item from raw typed attributes (any names, the model's or not) with one UpdateItem
    conditioned on the key not existing: True if created, False if an item had the key (left as it is)."""
    client = raw_client(model)
    (key_name,) = key
    names = {f"#a{i}": name for i, name in enumerate(attributes)}
    values = {f":v{i}": value for i, value in enumerate(attributes.values())}
    try:
        client.update_item(
            TableName=model.Meta.table_name,
            Key=key,
            UpdateExpression="SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(attributes))),
            ConditionExpression="attribute_not_exists(#key)",
            ExpressionAttributeNames={**names, "#key": key_name},
            ExpressionAttributeValues=values,
        )
    except client.exceptions.ConditionalCheckFailedException:
        return False
    return True


def create_missing_tables(*, report=print):
    """Create each configured table that does not exist yet, with TTL on models that have a TTL
    attribute. A table that exists is left as it is, except that TTL is turned on if it is off."""
    seen = set()
    for model in configured_models():
        name = model.Meta.table_name
        if name in seen:  # several models may share a table
            continue
        seen.add(name)
        if model.exists():
            report(f"{name}: exists, left as it is{_ttl_state(model)}")
            continue
        create_table(model)
        _wait_until_active(model)
        report(f"{name}: created{enable_ttl(model)}")


def create_table(model):
    """CreateTable for a model, on demand, without waiting. PynamoDB's own create_table also calls
    UpdateTimeToLive at once (before the table is ACTIVE) and can only ignore every error of it."""
    schema = model._get_schema()
    model._get_connection().create_table(
        attribute_definitions=schema["attribute_definitions"],
        key_schema=schema["key_schema"],
        billing_mode="PAY_PER_REQUEST",
    )


def _ttl_attribute(model):
    return next((a.attr_name for a in model.get_attributes().values() if isinstance(a, TTLAttribute)), None)


# dynalite (local runs and tests) has no TTL operations: it answers them with this code.
TTL_UNSUPPORTED = "UnknownOperationException"


def enable_ttl(model):
    """Turn on DynamoDB TTL for the model's TTL attribute; a phrase for setup's report."""
    attribute = _ttl_attribute(model)
    if attribute is None:
        return ""
    try:
        raw_client(model).update_time_to_live(
            TableName=model.Meta.table_name,
            TimeToLiveSpecification={"AttributeName": attribute, "Enabled": True},
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != TTL_UNSUPPORTED:
            raise
        return (
            f"; TTL on {attribute}: not supported by this endpoint (dynalite), so expired items stay "
            "until overwritten (the app reads them as absent)"
        )
    return f"; TTL on {attribute}: enabled"


def _ttl_state(model):
    """For an existing table: TTL as it is, turned on when it is off (the one setting setup changes on a
    table that exists: without it expired counters are never deleted)."""
    attribute = _ttl_attribute(model)
    if attribute is None:
        return ""
    try:
        description = raw_client(model).describe_time_to_live(TableName=model.Meta.table_name)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != TTL_UNSUPPORTED:
            raise
        description = {}
    state = description.get("TimeToLiveDescription", {})
    if state.get("TimeToLiveStatus") in ("ENABLED", "ENABLING") and state.get("AttributeName") == attribute:
        return f"; TTL on {attribute}: enabled"
    return enable_ttl(model)


BATCH_GET_LIMIT = 100  # keys per BatchGetItem request (DynamoDB's cap)


def batch_get(requests):
    """Several items, from one or more tables, read consistently with one BatchGetItem per 100 keys.

    requests: [(model, hash_key, attributes)]. Returns a model instance (projected to `attributes`)
    or None per request, in order. Unprocessed keys (throttling) are asked again. Failures raise
    PynamoDB's GetError, as a model's own get() would, so the outage middleware answers them.
    """
    found = {}
    for start in range(0, len(requests), BATCH_GET_LIMIT):
        found.update(_batch_get_page(requests[start : start + BATCH_GET_LIMIT]))
    return [found.get((model.Meta.table_name, key)) for model, key, _ in requests]


def _from_stored(model, item):
    """A model read from raw typed maps: its own `from_stored` when it has one (Event: events.items
    reads whatever other software stored), else PynamoDB's deserialization."""
    reader = getattr(model, "from_stored", None)
    return reader(item) if reader is not None else model.from_raw_data(item)


def _batch_get_page(requests):
    tables = {}
    for model, key, attributes in requests:
        key_name = model._hash_key_attribute().attr_name
        entry = tables.setdefault(model.Meta.table_name, {"model": model, "keys": [], "attributes": {key_name}})
        entry["keys"].append({key_name: {"S": key}})
        entry["attributes"].update(attributes)
    request_items = {}
    for name, entry in tables.items():
        names = {f"#p{i}": attribute for i, attribute in enumerate(sorted(entry["attributes"]))}
        request_items[name] = {
            "Keys": list({k[next(iter(k))]["S"]: k for k in entry["keys"]}.values()),  # each key once
            "ConsistentRead": True,
            "ProjectionExpression": ", ".join(names),
            "ExpressionAttributeNames": names,
        }
    found = {}
    client = raw_client(requests[0][0])
    for attempt in range(MAX_RETRY_ATTEMPTS + 1):
        try:
            answer = client.batch_get_item(RequestItems=request_items)
        except (BotoCoreError, ClientError) as exc:
            raise GetError(f"BatchGetItem failed: {exc}", exc) from exc
        for name, items in answer.get("Responses", {}).items():
            model = tables[name]["model"]
            key_name = model._hash_key_attribute().attr_name
            for item in items:
                found[(name, item[key_name]["S"])] = _from_stored(model, item)
        request_items = answer.get("UnprocessedKeys") or {}
        if not request_items:
            return found
        time.sleep(0.05 * 2**attempt)
    raise GetError("BatchGetItem left keys unprocessed after retries")


def _wait_until_active(model, *, timeout=300):
    # PynamoDB's own wait polls every 2 s; AWS and dynalite are usually faster.
    deadline = time.monotonic() + timeout
    while model.describe_table()["TableStatus"] != "ACTIVE":
        if time.monotonic() > deadline:
            raise TimeoutError(f"{model.Meta.table_name} is not ACTIVE after {timeout} s")
        time.sleep(0.1)


def unreachable_tables():
    """Names of the tables the app needs that DescribeTable does not show usable (for /healthz).

    Asked in parallel: an outage costs one retry budget of time, not one per table.
    """
    by_name = {model.Meta.table_name: model for model in configured_models()}  # several models may share a table
    with ThreadPoolExecutor(max_workers=len(by_name)) as pool:
        usable = dict(zip(by_name, pool.map(_is_usable, by_name.values()), strict=True))
    return [name for name, ok in usable.items() if not ok]


def _is_usable(model):
    try:
        return model.describe_table()["TableStatus"] in ("ACTIVE", "UPDATING")
    except Exception:
        return False


def is_condition_failure(exc):
    """A write refused by its condition (PynamoDB's UpdateError and friends)."""
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def update_if(item, *, actions, condition):
    """One conditional UpdateItem: True if written, False if its condition failed (other errors raise)."""
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise
        return False
    return True


def is_item_too_large(exc):
    """A write refused because the item would pass DynamoDB's 400 KB limit; nothing was stored."""
    message = (getattr(exc, "cause_response_message", None) or "").lower()
    return getattr(exc, "cause_response_code", None) == "ValidationException" and "size" in message


def is_refused_by_stored_shape(exc):
    """A write DynamoDB refused because what is stored has another type than the write assumes
    (appending to a roster stored as a map, adding to a set stored as a list, a field of a list
    element that is not a map): a ValidationException other than the size limit. Nothing was stored."""
    return getattr(exc, "cause_response_code", None) == "ValidationException" and not is_item_too_large(exc)
