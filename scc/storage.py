"""Static file storages.

With a bucket, files go to S3 with hashed names and the manifest stays local
(scc/static_manifest/, packaged in the Lambda zip), so a cold start never
fetches it. `make package` writes it offline: the hashed names depend only on
the files' contents, so deploy/static_manifest.py writes the same manifest. Without one, WhiteNoise
serves files; before `collectstatic` has run they are served unhashed, so a
production-mode run works straight from a checkout.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


def local_manifest_storage():
    return FileSystemStorage(location=settings.STATIC_MANIFEST_DIR)


class AppStaticFilesStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:
            return name


def _s3_storage_class():
    from storages.backends.s3 import S3ManifestStaticStorage

    class S3StaticStorage(S3ManifestStaticStorage):
        def __init__(self, **options):
            options.setdefault("manifest_storage", local_manifest_storage())
            super().__init__(**options)

    return S3StaticStorage


def __getattr__(name):
    # storages (and boto3) load only when the S3 backend is configured.
    if name == "S3StaticStorage":
        return _s3_storage_class()
    raise AttributeError(name)
