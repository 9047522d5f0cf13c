from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "After a deploy: check that each kind of path under BASE_URL is answered by the right thing. Exit 1 on failure."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "base_url", help="e.g. https://dispatch.example.com or https://dispatch.example.com/_staging"
        )

    def handle(self, *args, base_url, **options):
        from deploy import smoke  # deploy-time code, not in the Lambda zip

        self.stdout.write(f"Smoke check of {base_url}")
        self.stdout.write(smoke.header())

        def progress(check):
            line = smoke.format_row(check)
            self.stdout.write(self.style.SUCCESS(line) if check.ok else self.style.ERROR(line))
            self.stdout.flush()

        try:
            checks = smoke.run(base_url, progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        failed = [check for check in checks if not check.ok]
        if failed:
            raise CommandError(f"smoke check failed: {len(failed)} of {len(checks)} checks")
        self.stdout.write(self.style.SUCCESS(f"All {len(checks)} checks passed."))
