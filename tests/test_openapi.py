"""The published API document (docs/openapi.yaml, served as /api/openapi.json) covers every JSON URL,
states the limits the server checks, and is what the server serves."""

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from scc import limits, openapi, vocabulary

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "docs" / "openapi.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@pytest.fixture(scope="module")
def source():
    return yaml.safe_load(SOURCE.read_text(encoding="utf-8"))


def json_urls(resolver=None, prefix=""):
    """(path as OpenAPI writes it, methods) for every URL that answers JSON: the API and /healthz."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from json_urls(pattern, route)
        elif isinstance(pattern, URLPattern) and (route.startswith("api/") or pattern.name == "healthz"):
            methods = getattr(pattern.callback, "api_methods", ("GET",))
            yield "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route), methods


def test_every_json_url_and_method_is_in_the_document(source):
    urls = dict(json_urls())
    assert sum(len(methods) for methods in urls.values()) >= 18
    missing = [
        f"{method} {path}"
        for path, methods in urls.items()
        for method in methods
        if method.lower() not in source["paths"].get(path, {})
    ]
    assert missing == [], "JSON URLs the API document does not describe"
    described = {
        f"{method.upper()} {path}"
        for path, item in source["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }
    served = {f"{method} {path}" for path, methods in urls.items() for method in methods}
    assert described == served, "the document describes operations the URLconf does not have"


def test_the_served_copy_is_built_from_the_yaml():
    result = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "build_openapi.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _marked(node, path="#"):
    if isinstance(node, dict):
        if "x-limit" in node or "x-vocabulary" in node:
            yield path, node
        for key, value in node.items():
            yield from _marked(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _marked(value, f"{path}/{index}")


def test_the_yaml_states_the_limits_the_server_checks(source):
    marked = list(_marked(source))
    assert len(marked) >= 25
    wrong = []
    for path, node in marked:
        for keyword, name in (node.get("x-limit") or {}).items():
            want = getattr(limits, name)
            if node.get(keyword) != openapi.schema_value(want):
                wrong.append(f"{path}: {keyword} is {node.get(keyword)!r}, scc.limits.{name} is {want}")
        if "x-vocabulary" in node:
            codes = [member.value for member in vocabulary.VOCABULARIES[node["x-vocabulary"]]]
            if node.get("enum") != codes:
                wrong.append(f"{path}: enum is {node.get('enum')}, the {node['x-vocabulary']} vocabulary is {codes}")
    assert wrong == [], "docs/openapi.yaml disagrees with the server's constants"


def test_every_limit_is_stated_somewhere(source):
    text = SOURCE.read_text(encoding="utf-8")
    unstated = [
        name
        for name in dir(limits)
        if name.isupper() and name not in ("BODY_MAX_BYTES", "EVENT_BODY_MAX_BYTES") and name not in text
    ]
    assert unstated == [], "limits the API document never states"


def test_served_values_come_from_the_server_constants(monkeypatch, source):
    """A limit changed in scc.limits changes the served document with no other edit."""
    monkeypatch.setattr(limits, "NOTES_MAX", 1234)
    filled = openapi.fill(json.loads(openapi.SERVED.read_text()))
    notes = filled["paths"]["/api/payment-log"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert notes["properties"]["notes"]["maxLength"] == 1234


def test_every_schema_is_valid_json_schema(source):
    for schema in source["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_request_examples_match_their_schemas():
    served = openapi.document()
    checked = 0
    for item in served["paths"].values():
        for method, operation in item.items():
            if method not in HTTP_METHODS or "requestBody" not in operation:
                continue
            media = operation["requestBody"]["content"]["application/json"]
            # The schema with the document's components beside it, so its $refs resolve.
            schema = {**media["schema"], "components": served["components"]}
            jsonschema.Draft202012Validator(schema).validate(media["example"])
            checked += 1
    assert checked == 13


def test_api_openapi_json_is_public_cacheable_and_the_document():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert response.json() == openapi.document()
    assert response.json()["openapi"] == "3.1.0"
    assert Client().post("/api/openapi.json").status_code in (403, 405)


def test_no_yaml_parser_on_the_request_path():
    """Lambda never imports PyYAML (it is not in the zip): serving pages, the API and its document."""
    code = (
        "import os, sys, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'tests.settings'; django.setup();"
        "from django.test import Client; c = Client();"
        "[c.get(p) for p in ('/api/openapi.json', '/login/', '/api/events/x')];"
        "print('yaml' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_pages_carry_the_limits_the_document_states(admin_client, raw_table):
    """The page scripts read the API's limits from the page (SCC.limit), and the dialogs' fields are
    capped by them: the same scc.limits values the served document states."""
    from tests.factories import event_item, patron

    raw_table.put(event_item("ev-1", roster=[patron("p1", "Ada", "ada@example.com")]))
    html = admin_client.get("/events/ev-1/").content.decode()
    block = re.search(r'<script id="scc-limits" type="application/json">(.*?)</script>', html)
    carried = json.loads(block.group(1))
    assert carried == limits.as_json()
    served = openapi.document()["components"]["schemas"]
    assert carried["amount_pattern"] == served["Amount"]["anyOf"][0]["pattern"]
    assert carried["reason_max"] == served["Reason"]["maxLength"]
    assert f'id="payment-notes" name="notes" maxlength="{limits.NOTES_MAX}"' in html
    assert f'id="cancel-reason" name="reason" maxlength="{limits.REASON_MAX}"' in html
    assert 'id="scc-limits"' not in Client().get("/g/ev-1/waiver").content.decode()
