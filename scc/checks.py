"""`manage.py check --deploy`: what production must not run without, beyond Django's own checks."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def origin_secret(app_configs, **kwargs):
    if settings.ORIGIN_SECRET:
        return []
    return [
        checks.Warning(
            "SCC_ORIGIN_SECRET is not set: the Lambda Function URL serves anyone who calls it directly, and "
            "CloudFront's viewer address cannot be trusted (the waiver rate limit counts CloudFront's addresses).",
            hint="Set SCC_ORIGIN_SECRET in the function's environment and run cloudfront_routes --apply with the same "
            "value (README, Deploying).",
            id="scc.W001",
        )
    ]
