"""Run benchmarks: `python -m bench` runs every module here with a run(); `python -m bench NAME` runs one.

Each benchmark starts its own dynalite and writes its section of BENCHMARKS.md.
"""

import importlib
import pkgutil
import sys
from pathlib import Path

HERE = Path(__file__).parent
SKIP = {"__main__", "report", "setup", "baseline_handler", "lambda_child", "lambda_common"}


def main(names):
    available = sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name not in SKIP)
    chosen = names or available
    unknown = set(chosen) - set(available)
    if unknown:
        sys.exit(f"Unknown benchmark(s): {', '.join(sorted(unknown))}. Available: {', '.join(available)}")
    for number, name in enumerate(chosen, start=1):
        print(f"==> [{number}/{len(chosen)}] bench.{name}", flush=True)
        importlib.import_module(f"bench.{name}").run()


if __name__ == "__main__":
    main(sys.argv[1:])
