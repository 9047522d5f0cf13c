"""QR codes as inline SVG (segno: pure Python), so they show and print without JavaScript."""

from functools import lru_cache

from django.utils.safestring import mark_safe


@lru_cache(maxsize=128)  # an event page is reloaded after every action: draw each link once per instance
def qr_svg(text, *, title):
    """An <svg> of `text` as a QR code, scaled by CSS (class "qr"), titled for screen readers."""
    import segno  # imported here: only the event page draws QR codes, not every cold start

    code = segno.make(text, error="m")
    svg = code.svg_inline(scale=1, border=2, omitsize=True, svgclass="qr", lineclass=None, title=title)
    return mark_safe(svg)  # noqa: S308 - segno escapes the title; the rest is its own path data
