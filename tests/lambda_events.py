"""Lambda Function URL (payload 2.0) events and a subprocess running the deployed entry point (and Zappa's)."""

import base64
import json
import os
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
FUNCTION_HOST = "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-west-2.on.aws"
ZAPPA = str(Path(sys.executable).parent / "zappa")
VIEWER_ORIGIN = "https://dispatch.example.test"  # the CloudFront domain


def stage_environment(stage):
    """The Lambda environment zappa_settings.json gives a stage (extends is a shallow merge)."""
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    config = dict(settings[stage])
    while "extends" in config:
        parent = dict(settings[config.pop("extends")])
        parent.update(config)
        config = parent
    return config


def function_url_event(method, path, *, query="", headers=None, cookies=None, body=None):
    """What a Function URL hands Lambda when CloudFront (AllViewerExceptHostHeader) forwards a request."""
    all_headers = {
        "host": FUNCTION_HOST,
        "x-forwarded-proto": "https",
        "x-forwarded-port": "443",
        "x-forwarded-for": "203.0.113.9, 130.176.0.1",
        "user-agent": "Mozilla/5.0 (test)",
        "via": "2.0 0123456789abcdef.cloudfront.net (CloudFront)",
    }
    all_headers.update({k.lower(): v for k, v in (headers or {}).items()})
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": all_headers,
        "requestContext": {
            "accountId": "anonymous",
            "apiId": FUNCTION_HOST.split(".")[0],
            "domainName": FUNCTION_HOST,
            "domainPrefix": FUNCTION_HOST.split(".")[0],
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "130.176.0.1",
                "userAgent": all_headers["user-agent"],
            },
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "routeKey": "$default",
            "stage": "$default",
            "time": "27/Nov/2026:05:00:00 +0000",
            "timeEpoch": int(time.time() * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = [f"{name}={value}" for name, value in cookies.items()]
    if body is not None:
        event["body"] = body
    return event


class Browser:
    """A cookie jar and the viewer's Origin, talking to one stage's handler process."""

    def __init__(self, handler):
        self.handler = handler
        self.cookies = {}

    def request(self, method, path, *, form=None, json_body=None, headers=None, query=""):
        headers = dict(headers or {})
        body = None
        if form is not None:
            body = urlencode(form)
            headers["content-type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body)
            headers["content-type"] = "application/json"
        if method != "GET":
            headers.setdefault("origin", VIEWER_ORIGIN)
        event = function_url_event(method, path, query=query, headers=headers, cookies=self.cookies, body=body)
        response = self.handler.call(event)
        for header in response.get("cookies") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response


def body_text(response):
    body = response.get("body") or ""
    if response.get("isBase64Encoded"):
        return base64.b64decode(body).decode()
    return body


class HandlerProcess:
    """One subprocess per stage: its own LambdaHandler singleton, Django settings and environment."""

    def __init__(self, stage, settings_dir, extra_env):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SCC_"))}
        env.update(stage_environment(stage).get("aws_environment_variables", {}))
        env.update(extra_env)
        subprocess.run(
            [
                ZAPPA,
                "save-python-settings-file",
                stage,
                "-q",
                "-s",
                str(ROOT / "zappa_settings.json"),
                "-o",
                "zappa_settings.py",
            ],
            cwd=settings_dir,
            check=True,
            env={**env, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"},
        )
        self.log_path = Path(settings_dir) / "handler.log"
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "lambda_runner.py"), str(settings_dir)],
            cwd=settings_dir,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )

    def call(self, event, entry="scc"):
        self.process.stdin.write(json.dumps({"entry": entry, "event": event}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the handler process exited: {self.log_path.read_text()[-3000:]}")
        return json.loads(line)

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)
        self.log.close()


def build_static_manifest(target):
    """Write the static manifest `make package` puts in the zip (deploy/static_manifest.py) into
    `target`, offline; return its path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SCC_"))}
    subprocess.run(
        [sys.executable, "deploy/static_manifest.py"],
        cwd=ROOT,
        env={**env, "SCC_STATIC_MANIFEST_DIR": str(target)},
        check=True,
        capture_output=True,
        timeout=60,
    )
    return target
