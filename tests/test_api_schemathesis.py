"""Schemathesis holds the app to docs/openapi.yaml: every operation, over HTTP, against dynalite.

Each operation gets fresh tables with a seeded event (the ids the document's examples name), an
admin's Bearer token, and then: the document's examples (happy paths), schemathesis' coverage cases
(boundaries, missing and wrong-typed fields) and generated bodies, valid and invalid. Every response
must be documented (status, content type, body schema), none may be a 5xx, and a body the document
calls invalid must be refused (so the document is never looser than the server).

Fast by default (`make test`); `SCC_API_FUZZ_EXAMPLES=300` (as `make soak` sets) runs a longer one.
The figures of the last run are written to var/api-fuzz.json (RELIABILITY.md).
"""

import json
import os
import zlib
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from scc.openapi import document
from tests.conftest import PASSWORD, add_operator, token_for
from tests.factories import event_item, legacy_payment, patron, payment_record

pytestmark = [pytest.mark.fuzz, pytest.mark.wire]

EXAMPLES = int(os.environ.get("SCC_API_FUZZ_EXAMPLES", "12"))
FIGURES = Path(__file__).resolve().parent.parent / "var" / "api-fuzz.json"

# What the document's examples name.
EVENT_ID = "ev-example"
PAYMENT_ID = "3f2b8c52-5d0b-4c8e-9d61-0c1b7e9a4a10"

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "mode": "all",
            "max-examples": EXAMPLES,
            "deterministic": True,
            "with-security-parameters": False,
        },
        "checks": {
            "enabled": False,
            "not_a_server_error": {"enabled": True},
            "status_code_conformance": {"enabled": True},
            "content_type_conformance": {"enabled": True},
            "response_schema_conformance": {"enabled": True},
            "response_headers_conformance": {"enabled": True},
            # A body the document says is invalid must be refused (413 too: the body cap comes first).
            "negative_data_rejection": {"enabled": True, "expected-statuses": [400, 401, 403, 404, 405, 409, 413]},
        },
        "phases": {"stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_dict(document(), config=CONFIG)

# operation -> Counter of statuses; written out at the end of the module.
SEEN = defaultdict(Counter)


def seed(raw_table):
    raw_table.put(
        event_item(
            EVENT_ID,
            price="45",
            capacity={"N": "20"},
            roster=[
                patron("p-example", "Robin Walker", "robin.walker@example.com"),
                patron("p-other", "Sam Lee", "sam.lee@example.com"),
            ],
            payments=[legacy_payment(), payment_record(PAYMENT_ID, "p-example", "45")],
            payment_ids={"SS": [PAYMENT_ID]},
            roster_emails={"SS": ["robin.walker@example.com", "sam.lee@example.com"]},
            other_software={"S": "kept"},
        )
    )


@pytest.fixture
def api_world(admin_user, raw_table, app_server):
    add_operator("sam", "staff")
    seed(raw_table)
    return {"base_url": app_server.url, "token": token_for(admin_user)}


# Random ids almost never name the seeded event, patron or payment, and stop at the 404. Half the
# valid cases are pointed at them, so the rest of the body reaches the services. (Only valid ones: a
# case generated as invalid stays exactly as generated, so the negative-data check judges what it meant.)
SEEDED = {"event_id": [EVENT_ID], "patron_id": ["p-example", "p-other"], "payment_id": [PAYMENT_ID]}


def steer(case):
    if case.meta is None or case.meta.generation.mode.is_negative:
        return

    def pick(name, value):
        choices = SEEDED.get(name)
        if not choices or not isinstance(value, str):
            return value
        turn = zlib.crc32(f"{case.operation.label} {name} {value}".encode("utf-8", "surrogatepass")) % 4
        return choices[turn % len(choices)] if turn < 2 else value

    if isinstance(case.body, dict):
        for name in SEEDED:
            if name in case.body and not (name == "payment_id" and case.operation.path == "/api/payment-log"):
                case.body[name] = pick(name, case.body[name])
    if case.path_parameters and "event_id" in case.path_parameters:
        case.path_parameters["event_id"] = pick("event_id", case.path_parameters["event_id"])


@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_api_conforms_to_its_document(case, api_world):
    steer(case)
    token = api_world["token"]
    if case.operation.path == "/api/logout":
        token = token_for("alice")  # logging out revokes the token it came with
    response = case.call(base_url=api_world["base_url"], headers={"Authorization": f"Bearer {token}"})
    SEEN[case.operation.label][response.status_code] += 1
    case.validate_response(response, headers={"Authorization": "Bearer …"})


def test_every_operation_ran_and_succeeded_at_least_once():
    """The examples reach the happy path of every operation, not only its refusals."""
    operations = {result.ok().label for result in schema.get_all_operations()}
    assert set(SEEN) == operations
    never = {label for label, statuses in SEEN.items() if not any(200 <= status < 300 for status in statuses)}
    assert never == set(), f"operations never answered 2xx: {sorted(never)}"
    assert not any(status >= 500 for statuses in SEEN.values() for status in statuses)
    FIGURES.parent.mkdir(exist_ok=True)
    figures = {
        "examples_setting": EXAMPLES,
        "operations": len(SEEN),
        "cases": sum(sum(statuses.values()) for statuses in SEEN.values()),
        "by_operation": {label: dict(sorted(statuses.items())) for label, statuses in sorted(SEEN.items())},
    }
    FIGURES.write_text(json.dumps(figures, indent=1) + "\n")


def test_the_document_examples_sign_in_with_the_test_password():
    """The login example is the seeded admin's: the examples phase signs in for real."""
    example = document()["paths"]["/api/login"]["post"]["requestBody"]["content"]["application/json"]["example"]
    assert example == {"username": "alice", "password": PASSWORD}
