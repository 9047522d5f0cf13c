from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Invalidate paths in a CloudFront distribution, e.g. /_staging/* after a staging deploy."

    def add_arguments(self, parser):
        parser.add_argument("--distribution-id", required=True)
        parser.add_argument("paths", nargs="*", default=["/*"], help="path patterns (default /*)")

    def handle(self, *args, distribution_id, paths, **options):
        from deploy import cloudfront  # deploy-time code, not in the Lambda zip

        invalidation = cloudfront.invalidate(distribution_id, paths)
        self.stdout.write(f"Invalidation {invalidation['Id']} ({invalidation['Status']}) for {' '.join(paths)}")
