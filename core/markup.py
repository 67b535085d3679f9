"""What people wrote, made safe to send: invisible controls dropped, and the one helper that
escapes it for Telegram's HTML."""

from __future__ import annotations

import html
import unicodedata

ZERO_WIDTH_JOINER = "\u200d"  # joins emoji into one picture (a family, a flag): kept


def strip_controls(text: str) -> str:
    """The text without control and format characters (bidi overrides, zero-width spaces,
    byte-order marks) that can make a number or a link read as something else; new lines,
    tabs and the zero-width joiner of emoji stay."""
    # The common case, checked in C: nothing but printable characters and line breaks
    # (isprintable is False for every Cc and Cf character).
    if text.replace("\n", "").replace("\t", "").isprintable():
        return text
    return "".join(
        ch
        for ch in text
        if ch in "\n\t" or ch == ZERO_WIDTH_JOINER or unicodedata.category(ch) not in ("Cc", "Cf")
    )


def esc(text: str) -> str:
    """Escape text for Telegram's HTML parse mode (quotes may stay as they are), without the
    invisible controls `strip_controls` drops."""
    return html.escape(strip_controls(text), quote=False)
