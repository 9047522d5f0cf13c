"""The published API document: docs/openapi.yaml, committed as JSON beside this module (openapi.json,
written by `make openapi`), served at /api/openapi.json.

Served as JSON so that no YAML parser is imported on Lambda, and read only when asked for. Values
marked `x-limit: {keyword: NAME}` and enums marked `x-vocabulary: name` are filled from scc.limits
and the registered vocabularies, so the document never states a limit the server does not check.
"""

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

from scc import limits, vocabulary

SERVED = Path(__file__).with_name("openapi.json")


@cache
def document_bytes():
    """The document as served: the committed JSON with limits and vocabularies filled in."""
    served = fill(json.loads(SERVED.read_text(encoding="utf-8")))
    return json.dumps(served, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def document():
    """The served document as a new dict on each call (tools that load it may change what they get)."""
    return json.loads(document_bytes())


def fill(node):
    """Walk the document, setting each x-limit keyword and x-vocabulary enum from the server's constants."""
    if isinstance(node, dict):
        for keyword, name in (node.get("x-limit") or {}).items():
            node[keyword] = schema_value(getattr(limits, name))
        if "x-vocabulary" in node:
            node["enum"] = [member.value for member in vocabulary.VOCABULARIES[node["x-vocabulary"]]]
        for value in node.values():
            fill(value)
    elif isinstance(node, list):
        for value in node:
            fill(value)
    return node


def schema_value(value):
    """A limit as JSON Schema states it: a Decimal cap becomes a JSON number (the schema's, not money)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
