import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from accounts import selectors, services
from accounts.models import COMMAND_LINE, Role
from scc.exceptions import DomainError


class Command(BaseCommand):
    help = (
        "Manage operators from a shell: add (the first admin), list, disable, enable, set-password, unlock. "
        "Admins can do the same on the Operators page. Changes are audited as made from the command line."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add an operator.")
        add.add_argument("username")
        add.add_argument("--role", choices=[role.value for role in Role], default=Role.STAFF.value)
        add.add_argument("--password-stdin", action="store_true", help="Read the password from standard input.")
        sub.add_parser("list", help="List operators.")
        for name in ("disable", "enable", "unlock"):
            p = sub.add_parser(name, help=f"{name.capitalize()} an operator (takes effect on their next request).")
            p.add_argument("username")
        setpw = sub.add_parser("set-password", help="Set an operator's password and clear any lockout.")
        setpw.add_argument("username")
        setpw.add_argument("--password-stdin", action="store_true", help="Read the password from standard input.")

    def handle(self, *args, action, **options):
        try:
            getattr(self, "handle_" + action.replace("-", "_"))(**options)
        except DomainError as exc:
            details = [f"{field}: {' '.join(messages)}" for field, messages in (exc.fields or {}).items()]
            raise CommandError(" ".join([str(exc), *details])) from exc

    def _password(self, from_stdin):
        if from_stdin:
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("Passwords did not match.")
        return first

    def _update(self, username, **change):
        return services.update_operator(actor=COMMAND_LINE, username=username, **change)

    def handle_add(self, *, username, role, password_stdin, **_):
        password = self._password(password_stdin)
        services.add_operator(actor=COMMAND_LINE, username=username, role=role, password=password)
        self.stdout.write(self.style.SUCCESS(f"Added {role} {username}."))

    def handle_list(self, **_):
        rows = selectors.list_operators()
        if not rows:
            self.stdout.write("No operators yet. Add one with: manage.py operators add USERNAME --role admin")
            return
        self.stdout.write(f"{'USERNAME':<24} {'ROLE':<6} {'STATUS':<10} {'LOCKED UNTIL':<26} LAST SIGN-IN")
        for op in rows:
            status = "disabled" if op.disabled else "active"
            locked = op.locked_until.isoformat() if op.locked_until else ""
            self.stdout.write(f"{op.username:<24} {op.role:<6} {status:<10} {locked:<26} {op.last_login_at or ''}")

    def handle_disable(self, *, username, **_):
        self._update(username, disabled=True)
        self.stdout.write(self.style.SUCCESS(f"Disabled {username}; their sessions and tokens stop working now."))

    def handle_enable(self, *, username, **_):
        self._update(username, disabled=False)
        self.stdout.write(self.style.SUCCESS(f"Enabled {username}."))

    def handle_unlock(self, *, username, **_):
        self._update(username, unlock=True)
        self.stdout.write(self.style.SUCCESS(f"Unlocked {username}."))

    def handle_set_password(self, *, username, password_stdin, **_):
        self._update(username, password=self._password(password_stdin))
        self.stdout.write(self.style.SUCCESS(f"Password set for {username}; their sessions and tokens end."))
