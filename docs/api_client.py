"""A short client of the SCC Dispatch JSON API, needing only `requests`.

    python docs/api_client.py http://127.0.0.1:8000 USERNAME        # asks for the password
    SCC_PASSWORD=... python docs/api_client.py https://dispatch.example.com USERNAME

It signs in, creates an event, adds a patron, logs a payment with an idempotency key, sends the
same payment again (as a client whose first answer was lost would), refunds part of it and reads
the patron's balance back. The API is described in docs/openapi.yaml (served at /api/openapi.json).
"""

import getpass
import os
import sys
import uuid
from datetime import datetime, timedelta

import requests


class ApiError(Exception):
    pass


class Dispatch:
    def __init__(self, base_url):
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        self.http.headers["Accept"] = "application/json"

    def call(self, method, path, body=None, *, expect):
        response = self.http.request(method, f"{self.base_url}{path}", json=body, timeout=30)
        data = response.json()
        if response.status_code not in expect:
            # Every error has `error` (a sentence) and may have `fields` ({field: [messages]}).
            raise ApiError(f"{method} {path}: {response.status_code} {data.get('error')} {data.get('fields') or ''}")
        return response.status_code, data

    def sign_in(self, username, password):
        _, data = self.call("POST", "/api/login", {"username": username, "password": password}, expect={200})
        # A Bearer token needs no CSRF token; it lasts 12 hours, or until POST /api/logout.
        self.http.headers["Authorization"] = f"Bearer {data['token']}"
        return data

    def sign_out(self):
        self.call("POST", "/api/logout", expect={200})


def main(base_url, username, password):
    api = Dispatch(base_url)
    signed_in = api.sign_in(username, password)
    print(f"signed in as {username} ({signed_in['role']}), token until {signed_in['expires_at']}")
    try:
        starts = (datetime.now() + timedelta(days=7)).strftime("%Y-%m-%dT09:30")  # local time of the site
        _, data = api.call(
            "POST",
            "/api/events",
            {"title": "Client demo charter", "starts_at": starts, "price": "45.00", "capacity": 12},
            expect={201},
        )
        event_id = data["event"]["event_id"]
        print(f"created event {event_id} starting {data['event']['starts_at']}")

        _, data = api.call("POST", "/api/roster-add", {"event_id": event_id, "name": "Robin Walker"}, expect={201})
        patron_id = data["patron"]["patron_id"]
        print(f"added patron {patron_id}")

        # The idempotency key: one per payment, the same on every retry of it.
        payment = {"event_id": event_id, "patron_id": patron_id, "amount": "45.00", "method": "card"}
        payment["payment_id"] = str(uuid.uuid4())
        status, first = api.call("POST", "/api/payment-log", payment, expect={201})
        print(f"logged payment {payment['payment_id']}: {status}, paid {first['totals']['paid']}")
        status, again = api.call("POST", "/api/payment-log", payment, expect={200})
        print(f"retried it: {status}, the stored payment, paid still {again['totals']['paid']}")

        refund = {"event_id": event_id, "payment_id": payment["payment_id"], "amount": "10.00", "reason": "Left early"}
        refund["refund_id"] = str(uuid.uuid4())
        status, data = api.call("POST", "/api/payment-refund", refund, expect={201})
        print(f"refunded {data['payment']['amount']}: {status}")

        _, data = api.call("GET", f"/api/events/{event_id}", expect={200})
        row = next(entry for entry in data["event"]["roster"] if entry["patron_id"] == patron_id)
        print(f"balance of {row['name']}: paid {row['paid']}, outstanding {row['outstanding']}")
        return row
    finally:
        api.sign_out()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    secret = os.environ.get("SCC_PASSWORD") or getpass.getpass(f"Password for {sys.argv[2]}: ")
    try:
        main(sys.argv[1], sys.argv[2], secret)
    except ApiError as error:
        sys.exit(str(error))
