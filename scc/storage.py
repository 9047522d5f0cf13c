"""Static file storages.

With a bucket, files go to S3 with hashed names and the manifest stays local
(scc/static_manifest/, packaged in the Lambda zip), so a cold start never
fetches it. `make package` writes it offline: the hashed names depend only on
the files' contents, so deploy/static_manifest.py writes the same manifest. Without one, WhiteNoise
serves files; before `collectstatic` has run they are served unhashed, so a
production-mode run works straight from a checkout.
"""

import posixpath

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import FileSystemStorage, Storage
from django.utils.encoding import filepath_to_uri
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

    class S3ManifestWithLocalManifest(S3ManifestStaticStorage):
        def __init__(self, **options):
            options.setdefault("manifest_storage", local_manifest_storage())
            super().__init__(**options)

    return S3ManifestWithLocalManifest


class _DomainURLs(Storage):
    """URLs under a CloudFront domain, as django-storages' S3Storage makes them with `custom_domain`."""

    def __init__(self, *, domain, location):
        self.domain, self.location = domain, location.strip("/")

    def url(self, name):
        return f"https://{self.domain}/{filepath_to_uri(posixpath.join(self.location, name))}"


class _ManifestURLs(ManifestFilesMixin, _DomainURLs):
    pass


class S3StaticStorage:
    """Hashed static files on S3 (django-storages), with the manifest kept local.

    Serving a page only asks for URLs, which the packaged manifest and the CloudFront domain give, so
    the S3 storage (and boto3 with it: ~50 ms of a page's cold start) is built only when something
    else is asked of it, which only `collectstatic` does.
    """

    def __init__(self, **options):
        self._s3 = None
        self._options = options
        domain = options.get("custom_domain")
        self._urls = None
        if domain:
            self._urls = _ManifestURLs(
                manifest_storage=local_manifest_storage(), domain=domain, location=options.get("location", "")
            )

    @property
    def _storage(self):
        if self._s3 is None:
            self._s3 = _s3_storage_class()(**self._options)
        return self._s3

    def url(self, name):
        return (self._urls or self._storage).url(name)

    def __getattr__(self, name):
        return getattr(self._storage, name)
