"""Writes to the operators table: signing in and out, and managing operators.

Each write is one UpdateItem on the operator's own item, and each change to an operator appends
its audit entry (who, what, when; never a password or a hash) in that same UpdateItem. The acting
operator (`actor`, `user`) is always passed explicitly.

Sessions and tokens: each carries a random credential id (accounts.credentials); the operator's
item keeps the live ids with their expiry in `sessions`. Signing in adds one (and drops the
expired); signing out removes one; a password change, disable, role change or **Sign out
everywhere** empties the map, so every copy of every cookie and token stops working at once.

The last enabled admin: demoting or disabling an enabled admin first *pins* another enabled admin
(a conditional UpdateItem on that admin's item: still an enabled admin, not pinned), then writes the
change on condition that the target itself is not pinned, then unpins. A pinned admin cannot be
demoted or disabled, so while a change is written its witness stays an enabled admin: no sequence
of concurrent changes, on any number of instances, leaves no enabled admin (two admins demoting each
other at once: each pins itself, each write then finds its target pinned; one or both get 409).
Pins expire after PIN_SECONDS, longer than any request runs, so a crashed request cannot hold one.
"""

import random
import re
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password

from accounts import backends, credentials, lockout, passwords, selectors
from accounts.errors import (
    AdminChangeInProgress,
    InvalidCredentials,
    InvalidOperator,
    LastAdmin,
    OperatorChanged,
    OperatorExists,
    OperatorNotFound,
    WrongCurrentPassword,
)
from accounts.models import BREAK_GLASS_USERNAME, Operator, OperatorAuditEntry, OperatorUser, Role
from scc import clock, limits
from scc.dynamodb import update_if
from scc.vocabulary import AuditAction

PIN_SECONDS = 60  # a request runs at most 30 s (the Lambda timeout)
CHANGE_ATTEMPTS = 3


# Audit -----------------------------------------------------------------------------------------


def _audit(actor, action, detail):
    entry = OperatorAuditEntry(at=clock.now_iso(), operator=actor.username, action=action, detail=detail)
    return Operator.audit.set((Operator.audit | []).append([entry]))


def _not_disabled():
    return Operator.disabled.does_not_exist() | (Operator.disabled == False)  # noqa: E712 (an expression)


# Signing in and out ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedIn:
    user: OperatorUser
    claim: credentials.Claim
    expires_at: object  # aware datetime


def sign_in(*, username, password, kind):
    """Check the password and record a new session or token ("session" or "token"): SignedIn.

    Raises InvalidCredentials (also for a disabled operator) or AccountLocked.
    """
    result = backends.authenticate(username=username, password=password)
    claim = credentials.new_claim(kind, username=username, password_hash=result.password_hash)
    expires_at = credentials.expiry(kind)
    _record_sign_in(result, claim, expires_at)
    lockout.clear(username)
    return SignedIn(OperatorUser(username, result.role, credential=claim), claim, expires_at)


def _record_sign_in(result, claim, expires_at):
    actions = [Operator.last_login_at.set(clock.now_iso())]
    if backends.is_break_glass(result.username):
        condition = None  # its item is made by its first sign-in
    else:
        # The operator must still be the one whose password was checked (no reset or disable since).
        condition = Operator.username.exists() & (Operator.password_hash == result.checked_hash) & _not_disabled()
        if result.password_hash != result.checked_hash:
            actions.append(Operator.password_hash.set(result.password_hash))
    if not _add_credential(result.username, result.operator, claim, clock.epoch(expires_at), actions, condition):
        raise InvalidCredentials()


def _add_credential(username, operator, claim, expires, actions, condition):
    """Add the claim's credential id to the item's live ones, dropping expired ids; False if `condition` failed."""
    now = clock.epoch(clock.now())
    stored = operator.live_sessions() if operator is not None else {}
    expired = [cid for cid, until in stored.items() if not isinstance(until, (int, float)) or until <= now]
    item = Operator(username)
    # A map path can only be set inside an existing map: try the form that fits what was read, then the other.
    with_map = (
        [Operator.sessions[claim.credential_id].set(expires), *[Operator.sessions[cid].remove() for cid in expired]],
        Operator.sessions.exists(),
    )
    new_map = ([Operator.sessions.set({claim.credential_id: expires})], Operator.sessions.does_not_exist())
    forms = [with_map, new_map] if operator is not None and operator.sessions is not None else [new_map, with_map]
    for session_actions, has_map in forms:
        full = has_map if condition is None else condition & has_map
        if update_if(item, actions=[*actions, *session_actions], condition=full):
            return True
    return False


def sign_out(*, user):
    """End the session or token `user` came with, everywhere: its id leaves the live ones."""
    if user.credential is None:
        return
    item = Operator(user.username)
    update_if(
        item, actions=[Operator.sessions[user.credential.credential_id].remove()], condition=Operator.sessions.exists()
    )


def sign_out_everywhere(*, user):
    """End every session and token of `user` (this one too)."""
    actions = [Operator.sessions.set({}), _audit(user, AuditAction.OPERATOR_UPDATED, "signed out everywhere")]
    update_if(Operator(user.username), actions=actions, condition=Operator.username.exists())


def change_password(*, user, current_password, new_password):
    """The operator changes their own password: every other session and token ends; the Claim for the
    session they keep is returned. A wrong current password counts toward the sign-in lockout."""
    if backends.is_break_glass(user.username):
        raise InvalidOperator("The break-glass admin's password is ADMIN_PASS_HASH: change it in the environment.")
    passwords.validate(new_password, username=user.username)
    try:
        result = backends.authenticate(username=user.username, password=current_password)
    except InvalidCredentials:
        raise WrongCurrentPassword() from None
    new_hash = make_password(new_password)
    claim = credentials.new_claim(user.credential.kind, username=user.username, password_hash=new_hash)
    expires = clock.epoch(credentials.expiry(claim.kind))
    actions = [
        Operator.password_hash.set(new_hash),
        Operator.sessions.set({claim.credential_id: expires}),
        _audit(user, AuditAction.OPERATOR_UPDATED, "changed their password"),
    ]
    condition = Operator.username.exists() & (Operator.password_hash == result.checked_hash)
    if not update_if(Operator(user.username), actions=actions, condition=condition):
        raise OperatorChanged()
    lockout.clear(user.username)
    return claim


# Managing operators --------------------------------------------------------------------------------


def validate_username(username):
    if not isinstance(username, str) or not re.fullmatch(limits.USERNAME_PATTERN, username):
        raise InvalidOperator(
            f"Usernames are 1-{limits.USERNAME_MAX} letters, digits, '.', '-' or '_'.",
            fields={"username": [f"Use 1-{limits.USERNAME_MAX} letters, digits, '.', '-' or '_'."]},
        )
    if username == BREAK_GLASS_USERNAME:
        message = f"{BREAK_GLASS_USERNAME!r} is kept for the break-glass admin (ADMIN_PASS_HASH); choose another."
        raise InvalidOperator(message, fields={"username": [message]})


def validate_role(role):
    if not Role.has(role):
        message = f"Role must be one of {', '.join(Role)}."
        raise InvalidOperator(message, fields={"role": [message]})


def add_operator(*, actor, username, role, password):
    validate_username(username)
    validate_role(role)
    passwords.validate(password, username=username)
    now = clock.now_iso()
    entry = OperatorAuditEntry(
        at=now, operator=actor.username, action=AuditAction.OPERATOR_ADDED, detail=f"added as {role}"
    )
    actions = [
        Operator.role.set(role),
        Operator.password_hash.set(make_password(password)),
        Operator.disabled.set(False),
        Operator.created_at.set(now),
        Operator.sessions.set({}),
        Operator.audit.set([entry]),
    ]
    # One conditional UpdateItem creates it: an existing operator (or the break-glass item) is never replaced.
    if not update_if(Operator(username), actions=actions, condition=Operator.username.does_not_exist()):
        message = f"An operator named {username!r} already exists."
        raise OperatorExists(message, fields={"username": [message]})
    return selectors.operator_row(username)


@dataclass(frozen=True)
class Updated:
    operator: object  # selectors.OperatorRow, as stored after the change
    changes: list  # what changed, in words (empty: nothing did)


@dataclass
class _Change:
    actions: list
    details: list
    ends_sessions: bool = False


def _changes(current, *, actor, role, disabled, password_hash, unlock):
    change = _Change(actions=[], details=[])
    if role is not None and role != current.role:
        change.actions.append(Operator.role.set(role))
        change.details.append(f"role {current.role} → {role}")
        change.ends_sessions = True
    if disabled is not None and disabled != bool(current.disabled):
        if disabled and actor.username == current.username:
            raise InvalidOperator("You cannot disable your own account.", fields={"disabled": ["Not your own."]})
        change.actions.append(Operator.disabled.set(disabled))
        change.details.append("disabled" if disabled else "enabled")
        change.ends_sessions = True
    if password_hash is not None:
        change.actions.append(Operator.password_hash.set(password_hash))
        change.details.append("password reset")
        change.ends_sessions = True
    if unlock:
        change.details.append("unlocked")
    return change


def update_operator(*, actor, username, role=None, disabled=None, password=None, unlock=False):
    """Change an operator: any of role, disabled, password (a reset by an admin; it also unlocks),
    unlock. Ends all their sessions and tokens when role, status or password changes. Nothing is
    written when nothing would change."""
    if role is not None:
        validate_role(role)
    password_hash = None
    if password is not None:
        passwords.validate(password, username=username)
        password_hash = make_password(password)
    for attempt in range(CHANGE_ATTEMPTS):
        current = selectors.get_operator(username, attributes=selectors.CHANGE_ATTRIBUTES)
        if current is None or not Role.has(current.role):
            raise OperatorNotFound(username)
        change = _changes(
            current, actor=actor, role=role, disabled=disabled, password_hash=password_hash, unlock=unlock
        )
        if not change.details:
            return Updated(selectors.operator_row(username), [])
        busy = False
        try:
            written = _write_change(current, change, actor=actor, role=role, disabled=disabled)
        except AdminChangeInProgress:
            written, busy = False, True
        if written:
            if unlock or password is not None:
                lockout.clear(username)
            return Updated(selectors.operator_row(username), change.details)
        if attempt < CHANGE_ATTEMPTS - 1:
            time.sleep(random.uniform(0.01, 0.05))  # let a concurrent change finish
    current = selectors.get_operator(username, attributes=selectors.CHANGE_ATTRIBUTES)
    raise AdminChangeInProgress() if busy or _is_pinned(current) else OperatorChanged()


def _write_change(current, change, *, actor, role, disabled):
    """Write a change on condition that role and status are as read; False when they were not.
    Raises AdminChangeInProgress when a demotion could not be written (retried by the caller)."""
    actions = [*change.actions, _audit(actor, AuditAction.OPERATOR_UPDATED, ", ".join(change.details))]
    if change.ends_sessions:
        actions.append(Operator.sessions.set({}))
    condition = Operator.username.exists() & (Operator.role == current.role)
    condition &= (Operator.disabled == True) if current.disabled else _not_disabled()  # noqa: E712
    new_role = role if role is not None else current.role
    new_disabled = disabled if disabled is not None else bool(current.disabled)
    demotes_an_admin = current.is_enabled_admin and (new_role != Role.ADMIN or new_disabled)
    if not demotes_an_admin:
        return update_if(Operator(current.username), actions=actions, condition=condition)
    witness, token = _pin_witness(actor=actor, target=current.username)
    try:
        unpinned = Operator.pinned_until.does_not_exist() | (Operator.pinned_until < clock.epoch(clock.now()))
        if update_if(Operator(current.username), actions=actions, condition=condition & unpinned):
            return True
    finally:
        _unpin(witness, token)
    # Most likely the target was pinned: it vouches for another admin's demotion right now.
    raise AdminChangeInProgress()


def _is_pinned(operator):
    return operator is not None and (operator.pinned_until or 0) > clock.epoch(clock.now())


def _pin(username, token):
    now = clock.now()
    actions = [
        Operator.pinned_until.set(clock.epoch(now + timedelta(seconds=PIN_SECONDS))),
        Operator.pinned_by.set(token),
    ]
    condition = (
        (Operator.role == Role.ADMIN)
        & _not_disabled()
        & (Operator.pinned_until.does_not_exist() | (Operator.pinned_until < clock.epoch(now)))
    )
    return update_if(Operator(username), actions=actions, condition=condition)


def _unpin(username, token):
    actions = [Operator.pinned_until.remove(), Operator.pinned_by.remove()]
    update_if(Operator(username), actions=actions, condition=Operator.pinned_by == token)


def _pin_witness(*, actor, target):
    """Pin an enabled admin other than `target` (the actor first: usually one); (username, token).
    Raises LastAdmin when there is none, AdminChangeInProgress when every one is pinned already."""
    token = secrets.token_urlsafe(12)
    if actor.username != target and _pin(actor.username, token):
        return actor.username, token
    others = [
        op.username
        for op in Operator.scan(consistent_read=True, attributes_to_get=["username", "role", "disabled"])
        if op.is_enabled_admin and op.username != target
    ]
    for username in others:
        if _pin(username, token):
            return username, token
    raise AdminChangeInProgress() if others else LastAdmin()
