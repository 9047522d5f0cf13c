"""Add bytecode to the Lambda zip (run by `make package` after `zappa package`).

Lambda's /var/task is read-only, so a module without usable bytecode in the zip is compiled from
source at every cold start. Zappa's zip leaves bytecode out, so this compiles every `.py` in it and
adds `__pycache__/<name>.<cache tag>.pyc` beside it:

- with the interpreter running this script, which must be the stage's Lambda runtime
  (zappa_settings.json `runtime`; bytecode is specific to a minor version): refused otherwise;
- as unchecked hash-based pycs (PEP 552): Python loads them without looking at the source's
  modification time (which zip extraction does not keep) and without hashing the source at import.
  The source cannot change under them: /var/task is read-only, and check_package.py verifies every
  pyc against its source's hash before the zip can be deployed.

    python deploy/bytecode.py dist/lambda-staging.zip staging [zappa_settings.json]
"""

import compileall
import importlib.util
import os
import py_compile
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy.lambda_sandbox import ROOT, require_runtime_python  # noqa: E402

MODE = py_compile.PycInvalidationMode.UNCHECKED_HASH
FLAGS_UNCHECKED_HASH = 0b01  # PEP 552: hash-based, do not check the source


def cached_name(source_name, tag=sys.implementation.cache_tag):
    """'django/urls/base.py' -> 'django/urls/__pycache__/base.cpython-311.pyc' (names inside the zip)."""
    folder, _, filename = source_name.rpartition("/")
    pyc = f"__pycache__/{filename[:-3]}.{tag}.pyc"
    return f"{folder}/{pyc}" if folder else pyc


def add_bytecode(zip_path):
    """Rewrite the zip with a pyc for every .py in it; the number of pycs added."""
    zip_path = Path(zip_path)
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "tree"
        with zipfile.ZipFile(zip_path) as archive:
            infos = archive.infolist()
            archive.extractall(tree)
        sources = [info.filename for info in infos if info.filename.endswith(".py")]
        if not compileall.compile_dir(tree, quiet=1, workers=0, invalidation_mode=MODE, force=True):
            sys.exit(f"{zip_path}: some modules do not compile with {sys.executable} (see above)")
        rebuilt = Path(scratch) / "rebuilt.zip"
        with zipfile.ZipFile(zip_path) as archive, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as out:
            names = {info.filename for info in infos}
            for info in infos:
                out.writestr(info, archive.read(info))
            for source in sources:
                name = cached_name(source)
                if name in names:
                    continue
                entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                entry.external_attr = 0o644 << 16
                entry.compress_type = zipfile.ZIP_DEFLATED
                out.writestr(entry, (tree / name).read_bytes())
        shutil.move(rebuilt, zip_path)
    return len(sources)


def bytecode_problems(zip_path):
    """Every .py in the zip whose pyc is missing, for another Python, not unchecked-hash, or stale."""
    problems = []
    with zipfile.ZipFile(zip_path) as archive:
        names = set(archive.namelist())
        for source in sorted(name for name in names if name.endswith(".py")):
            pyc = cached_name(source)
            if pyc not in names:
                problems.append(f"{source}: no {pyc}")
                continue
            header = archive.read(pyc)[:16]
            if header[:4] != importlib.util.MAGIC_NUMBER:
                problems.append(f"{pyc}: compiled by another Python version")
            elif int.from_bytes(header[4:8], "little") != FLAGS_UNCHECKED_HASH:
                problems.append(f"{pyc}: not an unchecked hash-based pyc")
            elif header[8:16] != importlib.util.source_hash(archive.read(source)):
                problems.append(f"{pyc}: does not match its source")
    return problems


def main(zip_path, stage, settings_path=ROOT / "zappa_settings.json"):
    runtime = require_runtime_python(stage, settings_path)
    count = add_bytecode(zip_path)
    size = os.path.getsize(zip_path) / 2**20
    print(f"{zip_path}: bytecode for {count} modules ({runtime}, unchecked hash); {size:.1f} MiB")


if __name__ == "__main__":
    main(*sys.argv[1:])
