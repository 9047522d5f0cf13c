"""Stamp the commit into a built Lambda zip as scc/VERSION (run by `make package`).

/healthz reports it, so the smoke check can tell whether the code answering is the commit
just deployed. It goes into the zip only, never into the checkout: a checkout reports "dev".
A build from a tree with uncommitted changes is stamped `<commit>-dirty`.
"""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTRY = "scc/VERSION"  # read by scc/settings.py (VERSION)


def git(*args):
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def current_version():
    try:
        sha = git("rev-parse", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError) as exc:
        sys.exit(f"Cannot stamp a version: not a git checkout ({exc})")
    return f"{sha}-dirty" if dirty else sha


def stamp(zip_path, version):
    with zipfile.ZipFile(zip_path, "a") as archive:
        if ENTRY in archive.namelist():
            sys.exit(f"{zip_path} already has {ENTRY}: build it afresh")
        info = zipfile.ZipInfo(ENTRY, date_time=(1980, 1, 1, 0, 0, 0))  # as Zappa dates every entry
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, version + "\n")


def main(zip_path):
    version = current_version()
    stamp(zip_path, version)
    print(f"{zip_path}: version {version}")


if __name__ == "__main__":
    main(*sys.argv[1:])
