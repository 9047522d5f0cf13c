from django.core.management.base import BaseCommand, CommandError


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
        parser.add_argument(
            "--expect-version",
            help="the commit /healthz must report (the one just deployed); retried while an update settles",
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=120,
            help="seconds to keep retrying until /healthz reports --expect-version (default 120)",
        )

    def handle(self, *args, base_url, expect_version, wait, function_url=None, **options):
        from deploy import smoke  # deploy-time code, not in the Lambda zip

        self.stdout.write(f"Smoke check of {base_url}")
        if expect_version:
            self.stdout.write(f"Waiting up to {wait:g} s for /healthz to report {expect_version}")
        self.stdout.write(smoke.header())

        def say(line):
            self.stdout.write(line)
            self.stdout.flush()

        def progress(check):
            line = smoke.format_row(check)
            say(self.style.SUCCESS(line) if check.ok else self.style.ERROR(line))

        try:
            checks = smoke.run(
                base_url,
                function_url=function_url,
                expect_version=expect_version,
                wait=wait,
                progress=progress,
                say=say,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        failed = [check for check in checks if not check.ok]
        if failed:
            raise CommandError(f"smoke check failed: {len(failed)} of {len(checks)} checks")
        self.stdout.write(self.style.SUCCESS(f"All {len(checks)} checks passed."))
