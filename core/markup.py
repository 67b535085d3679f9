"""Telegram HTML: the one helper that escapes what people wrote before it goes into a message."""

from __future__ import annotations

import html


def esc(text: str) -> str:
    """Escape text for Telegram's HTML parse mode (quotes may stay as they are)."""
    return html.escape(text, quote=False)
