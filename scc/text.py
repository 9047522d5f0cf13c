"""What text people may store: names, notes, reasons, titles, locations, waiver texts.

Refused everywhere, by Unicode category:
- Cc, control characters (NUL, escape, ...); multi-line fields (notes, reasons, waiver text)
  keep line feeds and tabs;
- Cf, format characters: invisible, yet they change what text looks like or how it compares
  (zero-width spaces, word joiners, soft hyphens, byte-order marks, the bidi controls that make
  "Ada\u202egnp.exe" show as "Adaexe.png"). One exception: the zero-width joiner and non-joiner
  (U+200D, U+200C) between two visible characters, where scripts such as Persian and Hindi and
  emoji sequences need them;
- Zl, Zp, the line and paragraph separators (one-line fields turn them, as any white space,
  into a space first; in multi-line fields use a line feed);
- Co, private use, and Cn, unassigned code points: no font shows them the same way;
- Cs, lone surrogates (not UTF-8: they cannot be stored).

Look-alike letters (Cyrillic "а" beside Latin "a") stay allowed in names: real names use every
script. Where a look-alike would make one thing two, the comparison normalises instead (email
addresses: scc.addresses).
"""

import unicodedata

from django.core.exceptions import ValidationError

REFUSED = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs"})
JOINERS = frozenset({"\u200c", "\u200d"})
MESSAGE = "Use letters, digits, spaces and punctuation only: no invisible or control characters."


def refused_characters(text, *, multiline=False):
    """The characters of `text` the rule above refuses, in order (empty when it is fine)."""
    allowed = "\n\t" if multiline else ""
    found = []
    for i, ch in enumerate(text):
        category = unicodedata.category(ch)
        if category not in REFUSED or ch in allowed:
            continue
        if ch in JOINERS and _between_visible(text, i):
            continue
        found.append(ch)
    return found


def _between_visible(text, i):
    return 0 < i < len(text) - 1 and all(
        not text[j].isspace() and unicodedata.category(text[j]) not in REFUSED for j in (i - 1, i + 1)
    )


def check_text(text, *, multiline=False, message=MESSAGE):
    """`text` itself, or ValidationError naming the first refused character (as U+XXXX)."""
    found = refused_characters(text, multiline=multiline)
    if found:
        raise ValidationError(f"{message} (found U+{ord(found[0]):04X}).")
    return text


def one_line(text, *, message=MESSAGE):
    """Runs of white space (line breaks included) made one space, trimmed; then check_text."""
    return check_text(" ".join(text.split()), message=message)
