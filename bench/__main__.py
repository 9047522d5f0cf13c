"""python -m bench [NAME [args...]]: run one benchmark module, or all of them in name order."""

import importlib
import pkgutil
import sys
from pathlib import Path


def modules():
    here = Path(__file__).resolve().parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))


def main(argv):
    names = modules()
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        print("Benchmarks:", ", ".join(names))
        return 0
    if argv:
        name, rest = argv[0], argv[1:]
        if name not in names:
            print(f"No benchmark {name!r}; choose from: {', '.join(names)}", file=sys.stderr)
            return 2
        return importlib.import_module(f"bench.{name}").main(rest) or 0
    status = 0
    for name in names:
        print(f"== bench.{name}", flush=True)
        status = importlib.import_module(f"bench.{name}").main([]) or status
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
