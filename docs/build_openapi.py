"""Write scc/openapi.json (what the server serves) from docs/openapi.yaml (what people edit).

    .venv/bin/python docs/build_openapi.py           # rewrite it
    .venv/bin/python docs/build_openapi.py --check   # exit 1 when it is out of date

A development tool: PyYAML stays out of the Lambda zip, which serves the JSON.
"""

import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "docs" / "openapi.yaml"
TARGET = ROOT / "scc" / "openapi.json"


def built():
    document = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def main(argv):
    text = built()
    if "--check" in argv:
        if TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run make openapi")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
