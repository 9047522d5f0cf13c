"""Run a built Lambda zip on this machine the way Lambda runs it (check_package.py and the cold-start benchmark).

Lambda extracts the zip to /var/task, which is read-only, puts it first on sys.path, then its own
libraries (the python3.11 runtime ships boto3, botocore and their dependencies), and starts each
instance as a fresh process whose init phase imports the handler. Here: the zip extracted to a
folder made unwritable, a second folder holding only the runtime's libraries, `python -S -P` (no
site-packages, no current directory on sys.path: just those two folders, then the standard
library), PYTHONDONTWRITEBYTECODE=1 (root ignores file modes, so Python is told not to write as
well, and `assert_unchanged` proves nothing was written), one process per instance.
"""

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What the Lambda python3.11 runtime provides beside the standard library.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3")
HANDLER = "scc.lambda_entry.lambda_handler"

# The instance: imports the handler (Lambda's init phase), then answers one event per stdin line.
# First stdout line: init time; then one line per event; at stdin's end, the origin of every module.
CHILD = r"""
import time
STARTED = time.perf_counter()
import importlib, json, sys
out, sys.stdout = sys.stdout, sys.stderr  # the handler may print: keep stdout for results
module, _, name = sys.argv[1].rpartition(".")
handler = getattr(importlib.import_module(module), name)
out.write(json.dumps({"init_seconds": time.perf_counter() - STARTED, "cpu_seconds": time.process_time()}) + "\n")
out.flush()
after_init = set(sys.modules)
for line in sys.stdin:
    event = json.loads(line)
    started = time.perf_counter()
    response = handler(event, None)
    seconds = time.perf_counter() - started
    out.write(json.dumps({"seconds": seconds, "cpu_seconds": time.process_time(), "response": response}) + "\n")
    out.flush()
def origins(names):
    found = (getattr(getattr(sys.modules[name], "__spec__", None), "origin", None) for name in names)
    return sorted({origin for origin in found if origin and origin.endswith(".py")})
out.write(json.dumps({"origins": origins(list(sys.modules)), "later": origins(set(sys.modules) - after_init)}) + "\n")
out.flush()
"""


def python_tag(runtime):
    """'python3.11' -> (3, 11)."""
    match = re.fullmatch(r"python(\d+)\.(\d+)", runtime or "")
    if not match:
        raise ValueError(f"not a Lambda Python runtime: {runtime!r}")
    return int(match.group(1)), int(match.group(2))


def stage_config(stage, settings_path=ROOT / "zappa_settings.json"):
    """A stage of zappa_settings.json with `extends` applied (a shallow merge, as Zappa does)."""
    settings = json.loads(Path(settings_path).read_text())
    config = dict(settings[stage])
    while "extends" in config:
        parent = dict(settings[config.pop("extends")])
        parent.update(config)
        config = parent
    return config


def require_runtime_python(stage, settings_path=ROOT / "zappa_settings.json"):
    """Refuse unless this interpreter is the stage's Lambda runtime: bytecode is per minor version."""
    runtime = stage_config(stage, settings_path).get("runtime")
    if python_tag(runtime) != sys.version_info[:2]:
        running = f"python{sys.version_info.major}.{sys.version_info.minor}"
        sys.exit(
            f"zappa_settings.json gives {stage} the {runtime} runtime, but this is {running} ({sys.executable}): "
            f"its bytecode would not load on Lambda. Build with {runtime} (README, 'Bytecode')."
        )
    return runtime


def _make_unwritable(path):
    for folder, _dirs, files in os.walk(path):
        for name in files:
            target = os.path.join(folder, name)
            if not os.path.islink(target):
                os.chmod(target, os.stat(target).st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        os.chmod(folder, os.stat(folder).st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _make_writable(path):
    for folder, _dirs, _files in os.walk(path):
        os.chmod(folder, os.stat(folder).st_mode | stat.S_IWUSR)


def _listing(path):
    return sorted(str(Path(folder, name)) for folder, dirs, files in os.walk(path) for name in dirs + files)


class Sandbox:
    """A zip extracted read-only beside a folder of the runtime's libraries; `spawn` starts an instance.

    `site_packages` holds the runtime's libraries to copy (the runtime-only venv of `make package`).
    """

    def __init__(self, zip_path, *, site_packages, environment=None):
        self.zip_path = Path(zip_path)
        self.site_packages = Path(site_packages)
        self.environment = dict(environment or {})
        self._tmp = None

    def __enter__(self):
        self._tmp = Path(tempfile.mkdtemp(prefix="lambda-sandbox-"))
        self.task = self._tmp / "task"
        self.runtime = self._tmp / "runtime"
        with zipfile.ZipFile(self.zip_path) as archive:
            archive.extractall(self.task)
        self.runtime.mkdir()
        for name in RUNTIME_PACKAGES:
            source = self.site_packages / name
            if not source.exists():
                raise FileNotFoundError(f"{source}: the runtime library {name} is missing")
            if source.is_dir():
                # The runtime ships its libraries compiled: copy their bytecode (mtimes kept, so it stays valid).
                shutil.copytree(source, self.runtime / name)
            else:
                shutil.copy2(source, self.runtime / name)
                cached = self.site_packages / "__pycache__"
                if cached.exists():
                    (self.runtime / "__pycache__").mkdir(exist_ok=True)
                    for pyc in cached.glob(Path(name).stem + ".*.pyc"):
                        shutil.copy2(pyc, self.runtime / "__pycache__" / pyc.name)
        _make_unwritable(self.task)
        _make_unwritable(self.runtime)
        self._listing = _listing(self.task) + _listing(self.runtime)
        return self

    def __exit__(self, *exc):
        _make_writable(self._tmp)
        shutil.rmtree(self._tmp, ignore_errors=True)

    def assert_unchanged(self):
        """Nothing was written into the task or runtime folders (no bytecode, no files)."""
        added = sorted(set(_listing(self.task) + _listing(self.runtime)) - set(self._listing))
        if added:
            raise AssertionError(f"written into the read-only sandbox: {added[:10]}")

    def env(self, extra=None):
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "LAMBDA_TASK_ROOT": str(self.task),
            "PYTHONPATH": f"{self.task}:{self.runtime}",
            "PYTHONDONTWRITEBYTECODE": "1",
            **self.environment,
            **(extra or {}),
        }

    def run(self, args, *, input=None, extra_env=None, timeout=120):
        """A one-off `python -S ...` in the task folder (management commands), checked."""
        result = subprocess.run(
            [sys.executable, "-S", "-P", *args],
            cwd=self.task,
            env=self.env(extra_env),
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr[-3000:]}")
        return result.stdout

    def spawn(self, handler=HANDLER, *, python_args=(), extra_env=None, stderr=None):
        return Instance(self, handler, python_args, extra_env, stderr)


class Instance:
    """One Lambda instance: a fresh process that imported the handler; `call` sends it an event."""

    def __init__(self, sandbox, handler, python_args, extra_env, stderr):
        self.sandbox = sandbox
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-S", "-P", *python_args, "-c", CHILD, handler],
            cwd=sandbox.task,
            env=sandbox.env(extra_env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr if stderr is not None else subprocess.DEVNULL,
            text=True,
        )
        ready = self._read()
        self.init_seconds = ready["init_seconds"]
        self.init_cpu = ready["cpu_seconds"]  # CPU time of the process so far (interpreter start included)
        self.first_answer = None  # seconds from process start to the first answer
        self.first_answer_cpu = None  # CPU seconds of the process up to the first answer
        self.seconds = None  # the last call's handler time, measured in the instance

    def _read(self):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the Lambda instance exited with {self.process.wait()}")
        return json.loads(line)

    def call(self, event):
        self.process.stdin.write(json.dumps(event) + "\n")
        self.process.stdin.flush()
        result = self._read()
        if self.first_answer is None:
            self.first_answer = time.perf_counter() - self.started
            self.first_answer_cpu = result["cpu_seconds"]
        self.seconds = result["seconds"]
        return result["response"]

    def stop(self):
        """End the instance; the origins (.py paths) of every module it had imported.

        `imported_after_init` keeps the origins of those first imported by the requests.
        """
        self.process.stdin.close()
        modules = self._read()
        self.process.wait(timeout=30)
        self.imported_after_init = modules["later"]
        return modules["origins"]


def bytecode_misses(origins, verbose_log, under):
    """Modules imported from `under` that the interpreter did not load from bytecode.

    `verbose_log` is the instance's stderr under `python -v`: the import system writes
    "# <pyc> matches <py>" when it uses a pyc, and "# code object from <py>" when it compiles source.
    """
    used = set(re.findall(r"^# \S+\.pyc matches (\S+\.py)$", verbose_log, re.M))
    compiled = set(re.findall(r"^# code object from (\S+\.py)$", verbose_log, re.M))
    prefix = str(under).rstrip("/") + "/"
    ours = {origin for origin in origins if origin.startswith(prefix)}
    return sorted((ours - used) | {path for path in compiled if path.startswith(prefix)})


# The app in a sandbox -------------------------------------------------------------------------
# What an operator sets on the function (README, "First-time setup"), with local stand-ins.
OPERATOR_SET = {
    "SCC_EMAIL_FROM": "dispatch@scc.test",
    "SCC_STATIC_BUCKET": "scc-static",
    "SCC_STATIC_DOMAIN": "dispatch.example.com",
}
USERNAME, PASSWORD = "sandbox-admin", "sandbox password 1"
PATRON = "p1"


def lambda_environment(stage, *, endpoint, suffix, viewer_origin):
    """The function's environment for `stage`, pointed at a local DynamoDB with tables named by `suffix`."""
    config = stage_config(stage)
    region = config.get("aws_region", "us-west-2")
    return {
        **config.get("aws_environment_variables", {}),
        **OPERATOR_SET,
        "DJANGO_SECRET_KEY": "sandbox-secret-" + "s" * 50,
        "SCC_CSRF_TRUSTED_ORIGINS": viewer_origin,
        "SCC_DYNAMODB_HOST": endpoint,
        "SCC_EVENTS_TABLE": f"sandbox-events-{suffix}",
        "SCC_OPERATORS_TABLE": f"sandbox-operators-{suffix}",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
    }


def event_item(event_id, roster_size=10):
    roster = [{"M": {"patron_id": {"S": f"p{k + 1}"}, "name": {"S": f"Patron {k + 1}"}}} for k in range(roster_size)]
    return {
        "event_id": {"S": event_id},
        "title": {"S": f"Charter {event_id}"},
        "location": {"S": "Pier 66"},
        "starts_at": {"S": "2030-01-01T09:00:00-08:00"},
        "price": {"N": "45"},
        "roster": {"L": roster},
    }


SEED = """
import json, os, sys
import boto3
client = boto3.client("dynamodb", endpoint_url=os.environ["SCC_DYNAMODB_HOST"])
for item in json.load(sys.stdin):
    client.put_item(TableName=os.environ["SCC_EVENTS_TABLE"], Item=item)  # test data in a table of its own
"""


def prepare_app(box, event_ids):
    """Tables (the app's dynamodb_setup), an admin (operators add) and events, all through the sandbox."""
    box.run(["manage.py", "dynamodb_setup"])
    box.run(["manage.py", "operators", "add", USERNAME, "--role", "admin", "--password-stdin"], input=PASSWORD + "\n")
    box.run(["-c", SEED], input=json.dumps([event_item(event_id) for event_id in event_ids]))


def sign_in(instance, prefix):
    """(session cookies, Bearer token) for the sandbox's admin, through the handler's own sign-in pages."""
    from tests.lambda_events import Browser, body_text

    browser = Browser(instance)
    page = body_text(browser.request("GET", f"{prefix}/login/"))
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": csrf}
    response = browser.request("POST", f"{prefix}/login/", form=form)
    if response["statusCode"] != 302:
        raise RuntimeError(f"sign-in failed: {response['statusCode']} {body_text(response)[:500]}")
    api = Browser(instance).request(
        "POST", f"{prefix}/api/login", json_body={"username": USERNAME, "password": PASSWORD}
    )
    if api["statusCode"] != 200:
        raise RuntimeError(f"API sign-in failed: {api['statusCode']} {body_text(api)[:500]}")
    return dict(browser.cookies), json.loads(body_text(api))["token"]


def payment_log_event(path, token, event_id, payment_id):
    from tests.lambda_events import function_url_event

    body = {"event_id": event_id, "patron_id": PATRON, "amount": "45.00", "notes": "card at dock"}
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    return function_url_event("POST", path, headers=headers, body=json.dumps({**body, "payment_id": payment_id}))


def first_requests(prefix, cookies, token, event_id, payment_id):
    """The three first requests measured and checked: {name: (event, expected status)}."""
    from tests.lambda_events import function_url_event

    return {
        "sign-in page": (function_url_event("GET", f"{prefix}/login/"), 200),
        "dispatch page": (function_url_event("GET", f"{prefix}/", cookies=cookies), 200),
        "payment-log": (payment_log_event(f"{prefix}/api/payment-log", token, event_id, payment_id), 201),
    }
