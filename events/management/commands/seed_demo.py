from urllib.parse import urlparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts import selectors, services
from accounts.models import COMMAND_LINE, Role
from events import demo

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class Command(BaseCommand):
    help = "Add demo events and demo operators to a local DynamoDB. Safe to run again."

    def handle(self, *args, **options):
        host = urlparse(settings.DYNAMODB_HOST or "").hostname
        if host not in LOCAL_HOSTS:
            raise CommandError("seed_demo only runs against a local DynamoDB (SCC_DYNAMODB_HOST on 127.0.0.1).")
        events = [*demo.demo_events(), *demo.dispatch_demo_events()]
        for number, (event_id, attributes) in enumerate(events, start=1):
            created = demo.create_event_if_missing(event_id, attributes)
            state = "created" if created else "exists, left as it is"
            self.stdout.write(f"[{number}/{len(events)}] {event_id}: {state}")
        admin_password = self._ensure_operator(demo.DEMO_ADMIN, Role.ADMIN)
        staff_password = self._ensure_operator(demo.DEMO_STAFF, Role.STAFF)
        self.stdout.write(f"Demo admin: {demo.DEMO_ADMIN} / {admin_password}")
        self.stdout.write(f"Demo staff: {demo.DEMO_STAFF} / {staff_password}")

    def _ensure_operator(self, username, role):
        # Passwords are stored hashed, so each run sets a fresh one it can print.
        password = demo.new_password()
        if selectors.operator_row(username) is None:
            services.add_operator(actor=COMMAND_LINE, username=username, role=role, password=password)
        else:
            services.update_operator(actor=COMMAND_LINE, username=username, password=password)
        return password
