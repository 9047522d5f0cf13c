from django.conf import settings
from django.core.management.base import BaseCommand

from scc.dynamodb import create_missing_tables


class Command(BaseCommand):
    help = "Create the DynamoDB tables that are missing and wait until they are ACTIVE. Never alters an existing table."

    def handle(self, *args, **options):
        endpoint = settings.DYNAMODB_HOST or f"AWS DynamoDB ({settings.AWS_REGION})"
        self.stdout.write(f"DynamoDB endpoint: {endpoint}")
        create_missing_tables(report=lambda line: self.stdout.write(f"  {line}"))
