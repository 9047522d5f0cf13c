"""Machine facts and BENCHMARKS.md sections (each benchmark owns one, between markers)."""

import os
import platform
import re
import statistics
import subprocess
from datetime import UTC, datetime
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
HEADER = (
    "# Benchmarks\n\n"
    "Produced by `make bench` (`python -m bench [NAME]`); each section says its machine, date and command.\n"
)


def machine():
    memory = ""
    try:
        memory = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout.split("\n")[1]
        memory = memory.split()[1]
    except (OSError, IndexError):
        pass
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), {memory} RAM, Python {platform.python_version()}, {platform.system()}"


def stamp(command):
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"Machine: {machine()}. Date: {now}. Command: `{command}`."


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def summary_ms(seconds):
    ms = [s * 1000 for s in seconds]
    return statistics.median(ms), percentile(ms, 0.95)


def write_section(name, body):
    """Replace (or add) the section marked `name` in BENCHMARKS.md."""
    text = BENCHMARKS.read_text() if BENCHMARKS.exists() else HEADER
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    BENCHMARKS.write_text(text)
