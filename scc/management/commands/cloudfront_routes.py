from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from scc import origin


class Command(BaseCommand):
    help = (
        "Show how the distribution's cache behaviours differ from what the app needs; "
        "--apply updates them (idempotent; other behaviours and origins are left alone)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--distribution-id", required=True)
        parser.add_argument("--lambda-url", required=True, help="production Function URL")
        parser.add_argument("--staging-lambda-url", help="staging Function URL (serves /_staging/*)")
        parser.add_argument(
            "--static-bucket",
            default=settings.STATIC_BUCKET,
            help="S3 bucket for /static/* (default SCC_STATIC_BUCKET; none: the Lambda serves them)",
        )
        parser.add_argument("--static-region", default=settings.AWS_REGION)
        parser.add_argument("--apply", action="store_true", help="update the distribution")

    def handle(self, *args, **options):
        from deploy import cloudfront  # deploy-time code, not in the Lambda zip

        secrets = origin.accepted_secrets()
        if not secrets:
            self.stdout.write(
                "note: SCC_ORIGIN_SECRET is not set here, so the Lambda origins' origin header is left as it is. "
                "Set it (the same value as in the functions' environment) to have CloudFront send it."
            )
        try:
            result = cloudfront.routes(
                options["distribution_id"],
                apply=options["apply"],
                lambda_url=options["lambda_url"],
                staging_lambda_url=options["staging_lambda_url"],
                static_bucket=options["static_bucket"] or None,
                static_region=options["static_region"],
                origin_secret=secrets[0] if secrets else None,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for line in result.lines:
            self.stdout.write(line)
        if not result.changed:
            return
        if options["apply"]:
            self.stdout.write(self.style.SUCCESS(f"Updated distribution {options['distribution_id']}."))
        else:
            self.stdout.write("Dry run: nothing changed. Run again with --apply to update the distribution.")
