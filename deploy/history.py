"""The deploy record in var/deploy/: history.log (one line per deploy and promotion attempt) and
the marker of each passing staging smoke check (what `make promote` requires)."""

import getpass
import json
import re
import subprocess
from datetime import datetime
from pathlib import Path

HISTORY = "history.log"
_WHITESPACE = re.compile(r"\s+")


def who():
    """The person deploying: git's user.email, else the login name."""
    try:
        email = subprocess.run(["git", "config", "user.email"], capture_output=True, text=True).stdout.strip()
    except OSError:
        email = ""
    return email or getpass.getuser()


def format_line(now, fields):
    """`2026-11-27T11:02:13Z key=value ...`: one line, values without spaces, None fields left out."""
    parts = [now.strftime("%Y-%m-%dT%H:%M:%SZ")]
    parts += [f"{key}={_WHITESPACE.sub('_', str(value))}" for key, value in fields.items() if value is not None]
    return " ".join(parts)


def append(log_dir, *, now, **fields):
    path = Path(log_dir) / HISTORY
    path.parent.mkdir(parents=True, exist_ok=True)
    line = format_line(now, fields)
    with path.open("a") as log:
        log.write(line + "\n")
    return line


def read(log_dir):
    path = Path(log_dir) / HISTORY
    return path.read_text().splitlines() if path.exists() else []


def marker_path(log_dir, stage, commit):
    return Path(log_dir) / f"{stage}-smoke-{commit}"


def write_marker(log_dir, stage, commit, *, state, passed_at):
    """Staging passed its smoke check for `commit`, running as `state` (the function's code and update time)."""
    path = marker_path(log_dir, stage, commit)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "commit": commit,
        "passed_at": passed_at.isoformat(),
        "last_modified": state.last_modified.isoformat(),
        "code_sha256": state.code_sha256,
    }
    path.write_text(json.dumps(record, indent=2) + "\n")


def read_marker(log_dir, stage, commit):
    """The marker's record; None when there is none; {} for one this code cannot read."""
    path = marker_path(log_dir, stage, commit)
    if not path.exists():
        return None
    try:
        record = json.loads(path.read_text())
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}


def parse_time(text):
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
