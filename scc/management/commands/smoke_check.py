from django.core.management.base import BaseCommand, CommandError

from scc import smoke


class Command(BaseCommand):
    help = (
        "After a deploy: check that each kind of path under BASE_URL is answered by the right thing. Exit 1 on failure."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "base_url", help="e.g. https://dispatch.example.com or https://dispatch.example.com/_staging"
        )
        parser.add_argument(
            "--function-url",
            help="the stage's Lambda Function URL: check that calling it directly (not through CloudFront) is refused",
        )

    def handle(self, *args, base_url, function_url=None, **options):
        self.stdout.write(f"Smoke check of {base_url}")
        self.stdout.write(smoke.header())

        def progress(check):
            line = smoke.format_row(check)
            self.stdout.write(self.style.SUCCESS(line) if check.ok else self.style.ERROR(line))
            self.stdout.flush()

        try:
            checks = smoke.run(base_url, function_url=function_url, progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        failed = [check for check in checks if not check.ok]
        if failed:
            raise CommandError(f"smoke check failed: {len(failed)} of {len(checks)} checks")
        self.stdout.write(self.style.SUCCESS(f"All {len(checks)} checks passed."))
