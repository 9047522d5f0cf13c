"""Django set up for benchmarks against a dynalite that the benchmark starts itself."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_against(endpoint, *, suffix):
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        SCC_DYNAMODB_HOST=endpoint,
        SCC_EVENTS_TABLE=f"bench-events-{suffix}",
        SCC_OPERATORS_TABLE=f"bench-operators-{suffix}",
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",
    )
    import django

    django.setup()
    from scc.dynamodb import create_missing_tables

    create_missing_tables(report=lambda line: None)


def sizes_from_env(name, default):
    """Table sizes to run, e.g. BENCH_AUDIT_SIZES=100,1000 for a quick run."""
    return sorted(int(size) for size in os.environ.get(name, ",".join(map(str, default))).split(","))


def signed_in_staff_client():
    from django.test import Client

    from accounts import services
    from accounts.models import COMMAND_LINE

    services.add_operator(actor=COMMAND_LINE, username="bench", role="staff", password="bench password 123")
    client = Client()
    assert client.post("/login/", {"username": "bench", "password": "bench password 123"}).status_code == 302
    return client
