"""One email address means one address: the one rule for reading, storing and comparing them.

Typed, pasted or written by other software, an address is first made plain: Unicode NFKC (so
fullwidth `ａｄａ` is `ada`), invisible characters removed (zero-width spaces and joiners, bidi
controls, soft hyphens: Unicode categories Cf, Cc, Zl and Zp) and surrounding white space
dropped. What is left must be exactly one mailbox, `local@domain`: no display name
(`Ada <ada@x.com>`), no list (`a@x.com, b@y.com`), nothing Django's EmailValidator refuses.

`address_key` is what comparisons use (one roster entry per address, the waiver's guard): the
plain address lower-cased, its domain IDNA-encoded (`bücher.example` is `xn--bcher-kva.example`).
Keys stored before this rule (`strip().lower()` of what was typed) are the same for plain
ASCII addresses; `same_key` also reads an older key through the rule, so old entries still match.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

INVISIBLE = frozenset({"Cf", "Cc", "Zl", "Zp"})
MAX_LENGTH = 254
_validate = EmailValidator()


class NotOneAddress(ValueError):
    """Not exactly one mailbox; the message says why, in words for the person asking."""


def plain(text):
    """NFKC, invisible characters removed, white space trimmed (no check)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch) not in INVISIBLE).strip()


def clean_address(text):
    """The plain form of one mailbox, as it will be stored and mailed, or NotOneAddress."""
    if not isinstance(text, str):
        raise NotOneAddress("An email address must be text.")
    address = plain(text)
    if not address:
        raise NotOneAddress("There is no email address.")
    if "," in address or ";" in address or "<" in address or address.count("@") != 1:
        raise NotOneAddress(f"{address[:80]!r} is not one email address (a list, or a name with an address).")
    if len(address) > MAX_LENGTH:
        raise NotOneAddress("That email address is too long.")
    try:
        _validate(address)
        _idna(address.rsplit("@", 1)[1])
    except (ValidationError, UnicodeError):
        raise NotOneAddress(f"{address[:80]!r} is not a valid email address.") from None
    return address


def address_key(text):
    """The form comparisons use: clean_address, lower-cased, the domain IDNA-encoded. NotOneAddress if none."""
    local, domain = clean_address(text).rsplit("@", 1)
    return f"{local.lower()}@{_idna(domain.lower())}"


def same_key(stored, key):
    """Whether a stored key (from any version of the rule, or other software) names the address `key`."""
    if stored == key:
        return True
    try:
        return address_key(stored) == key
    except NotOneAddress:
        return False


def _idna(domain):
    return domain.encode("idna").decode("ascii")
