"""Write the static files manifest the Lambda zip carries, offline (run by `make package`).

Hashed names depend only on file contents, so Django's ManifestStaticFilesStorage in a
scratch directory names every file exactly as the S3 upload will. Nothing else is
touched (var/staticfiles, which a local production-mode run serves, stays as it is).
"""

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    sys.path.insert(0, str(ROOT))
    os.environ.update(DJANGO_SETTINGS_MODULE="scc.settings", DJANGO_DEBUG="1", SCC_STATIC_BUCKET="")
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    django.setup()
    with tempfile.TemporaryDirectory() as scratch:
        storages = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
        with override_settings(STATIC_ROOT=scratch, STORAGES=storages):
            call_command("collectstatic", interactive=False, verbosity=0)
        target = Path(settings.STATIC_MANIFEST_DIR)
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(Path(scratch) / "staticfiles.json", target / "staticfiles.json")
    paths = json.loads((target / "staticfiles.json").read_text())["paths"]
    print(f"{target / 'staticfiles.json'}: {len(paths)} files")


if __name__ == "__main__":
    main()
