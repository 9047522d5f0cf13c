"""A tiny HTTP proxy in front of dynalite that answers chosen DynamoDB calls with throttling errors.

`throttle(target, times=n)` makes the next n requests for that operation (e.g. "UpdateItem") fail
with a 400 throttling error without reaching dynalite; times=None throttles them all.
`lose_response(target, times=n)` forwards the next n requests but answers 500, as when a response
is lost after DynamoDB applied the write. Everything else is forwarded. `attempts[target]` counts
every request the proxy saw.
"""

import http.client
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ThrottleProxy:
    def __init__(self, upstream_port, *, error="ProvisionedThroughputExceededException"):
        self.upstream_port = upstream_port
        self.error = error
        self.attempts = Counter()
        self.throttled = Counter()
        self._rules = {}
        self._lose = Counter()
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                target = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
                if proxy._should_throttle(target):
                    payload = json.dumps(
                        {"__type": f"com.amazonaws.dynamodb.v20120810#{proxy.error}", "message": "Rate exceeded"}
                    )
                    self._answer(400, {"Content-Type": "application/x-amz-json-1.0"}, payload.encode())
                    return
                upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=10)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                    upstream.request("POST", self.path, body=body, headers=headers)
                    response = upstream.getresponse()
                    data = response.read()
                    keep = {k: v for k, v in response.getheaders() if k.lower() in ("content-type", "x-amz-crc32")}
                    if proxy._should_lose(target):
                        payload = json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#InternalServerError"})
                        self._answer(500, {"Content-Type": "application/x-amz-json-1.0"}, payload.encode())
                    else:
                        self._answer(response.status, keep, data)
                finally:
                    upstream.close()

            def _answer(self, status, headers, data):
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("x-amzn-RequestId", "throttle-proxy")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.server.server_port}"

    def throttle(self, target, *, times=None):
        with self._lock:
            self._rules[target] = times

    def lose_response(self, target, *, times=1):
        with self._lock:
            self._lose[target] = times

    def _should_lose(self, target):
        with self._lock:
            if self._lose[target] > 0:
                self._lose[target] -= 1
                return True
            return False

    def _should_throttle(self, target):
        with self._lock:
            self.attempts[target] += 1
            if target not in self._rules:
                return False
            left = self._rules[target]
            if left is not None:
                if left <= 0:
                    return False
                self._rules[target] = left - 1
            self.throttled[target] += 1
            return True

    def reset_counts(self):
        with self._lock:
            self.attempts.clear()
            self.throttled.clear()

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
