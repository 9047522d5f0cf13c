"""Every limit the API states, in one place: the forms and services check them, the published
API document (docs/openapi.yaml, served as /api/openapi.json) states them, and the page scripts
read them (`limits_json`, read by SCC.limit in api.js).

Change a limit here; tests/test_openapi.py then names each line of docs/openapi.yaml that still
states the old value (and `make openapi` rebuilds the served copy).
"""

from decimal import Decimal

# Money: a decimal string or a JSON number, at most 2 decimal places.
AMOUNT_MAX = Decimal("100000.00")
AMOUNT_PATTERN = r"^[0-9]+(\.[0-9]{1,2})?$"

# Free text.
NOTES_MAX = 1000  # payment notes
REASON_MAX = 1000  # void, refund and cancellation reasons
NAME_MAX = 200  # a patron's name
EMAIL_MAX = 254
PHONE_MAX = 40
TITLE_MAX = 200
LOCATION_MAX = 200
WAIVER_TEXT_MAX = 20_000
STARTS_AT_MAX = 64

# Ids and references.
EVENT_REF_MAX = 1024  # an event_id in a request body: other software's ids may be long
EVENT_ID_MAX = 100  # an event_id the app is asked to create
EVENT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
PATRON_ID_MAX = 200
PAYMENT_ID_MAX = 200  # a stored payment id (other software's need not be UUIDs)

# Events.
CAPACITY_MIN, CAPACITY_MAX = 1, 500
VERSION_MAX = 10**9

# Operators and sign-in.
USERNAME_MAX = 64
USERNAME_PATTERN = rf"^[A-Za-z0-9._-]{{1,{USERNAME_MAX}}}$"
PASSWORD_MAX = 256

# Request bodies.
BODY_MAX_BYTES = 16 * 1024
EVENT_BODY_MAX_BYTES = 128 * 1024


def as_json():
    """{name: value} for the page scripts: numbers as numbers, the amount cap as its decimal string."""
    return {
        name.lower(): str(value) if isinstance(value, Decimal) else value
        for name, value in globals().items()
        if name.isupper() and isinstance(value, (int, str, Decimal))
    }
