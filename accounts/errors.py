"""What sign-in and operator management refuse, in words for the person asking (no HTTP: scc.errors maps kinds)."""

from scc.exceptions import Conflict, InvalidInput, NotAuthenticated, NotFound, Throttled


class InvalidCredentials(NotAuthenticated):
    message = "Invalid username or password."


class LastAttemptWarning(InvalidCredentials):
    """A wrong password (or an unknown name) with one attempt left before the lock."""

    message = "Invalid username or password. One attempt left: another wrong password locks sign-in for 15 minutes."


class AccountLocked(Throttled):
    message = "Too many failed sign-in attempts. Try again in 15 minutes."


class InvalidOperator(InvalidInput):
    pass


class OperatorExists(Conflict):
    pass


class OperatorNotFound(NotFound):
    def __init__(self, username):
        super().__init__(f"No operator named {username!r}.")


class LastAdmin(Conflict):
    message = "That would leave no enabled admin: make another operator an admin first."


class AdminChangeInProgress(Conflict):
    message = "Another change to the admins is being saved right now. Try again."


class OperatorChanged(Conflict):
    message = "This operator was changed by someone else meanwhile. Reload and try again."


class WrongCurrentPassword(InvalidInput):
    message = "Your password was not changed: check your current password."

    def __init__(self):
        super().__init__(fields={"current_password": ["Your current password was entered incorrectly."]})
