"""Where the PynamoDB models talk to, and the one seam onto PynamoDB's and botocore's internals.

Models declare a `settings_table` (the settings name holding their table name);
`bind_models()` points every model at the configured endpoint. Tests call it again
after changing table names.

Only this module touches what PynamoDB keeps private (`Model._connection`,
`Model._get_connection()`, `Connection._client`) or calls botocore's client directly:
sharing one client, raw GetItem, UpdateItem and Scan pages and batch reads (events.items reads
what they return, whatever its shape), raw conditional writes for demo data, the raw client for
tests and benchmarks. tests/test_dynamodb_seam.py fails, saying what changed, when a PynamoDB
upgrade moves any of it.
"""

import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.utils.module_loading import import_string

# Fail fast: a page should not hang for a dead endpoint.
CONNECT_TIMEOUT_SECONDS = 2
READ_TIMEOUT_SECONDS = 5
MAX_RETRY_ATTEMPTS = 3


def configured_models():
    return [import_string(path) for path in settings.DYNAMODB_MODELS]


def bind_model(model):
    meta = model.Meta
    meta.table_name = getattr(settings, model.settings_table)
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
        _clients[key] = connection.client


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
    connection = model._get_connection()
    options = {"limit": page_size} if page_size else {}
    start = None
    while True:
        page = connection.scan(
            attributes_to_get=attributes, filter_condition=filter_condition, exclusive_start_key=start, **options
        )
        yield from page.get("Items", [])
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
    """Create each configured table that does not exist yet; never alter one that does."""
    seen = set()
    for model in configured_models():
        name = model.Meta.table_name
        if name in seen:  # several models may share a table
            continue
        seen.add(name)
        if model.exists():
            report(f"{name}: exists, left as it is")
            continue
        model.create_table(billing_mode="PAY_PER_REQUEST", wait=False)
        _wait_until_active(model)
        report(f"{name}: created")


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


def is_item_too_large(exc):
    """A write refused because the item would pass DynamoDB's 400 KB limit; nothing was stored."""
    message = (getattr(exc, "cause_response_message", None) or "").lower()
    return getattr(exc, "cause_response_code", None) == "ValidationException" and "size" in message


def is_refused_by_stored_shape(exc):
    """A write DynamoDB refused because what is stored has another type than the write assumes
    (appending to a roster stored as a map, adding to a set stored as a list, a field of a list
    element that is not a map): a ValidationException other than the size limit. Nothing was stored."""
    return getattr(exc, "cause_response_code", None) == "ValidationException" and not is_item_too_large(exc)
