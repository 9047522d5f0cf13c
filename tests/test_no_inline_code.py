"""The CSP forbids inline script and style: no template served to browsers may carry any.

Emails are exempt (mail clients need inline styles; no CSP applies there).
"""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
INLINE = [
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    re.compile(r"javascript:", re.I),
]


def test_no_inline_script_or_style_in_page_templates():
    found = []
    pages = [path for path in sorted(TEMPLATES.rglob("*.html")) if path.relative_to(TEMPLATES).parts[0] != "emails"]
    assert len(pages) > 5, pages  # the scan found the page templates
    for path in pages:
        text = path.read_text()
        found += [
            f"{path.relative_to(TEMPLATES)}: {m.group(0)!r}" for pattern in INLINE for m in pattern.finditer(text)
        ]
    assert found == []
