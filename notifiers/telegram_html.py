"""Telegram HTML that fits: splitting long texts into messages Telegram accepts (pure, so that
both the notifier and the bot's replies use it)."""

from __future__ import annotations

import html
import re

MESSAGE_LIMIT = 4096  # characters in one Telegram text message


TAG = re.compile(r"<[^>]+>")


def _plain(html_text: str) -> str:
    """Tags dropped and entities resolved: what a reader sees."""
    return html.unescape(TAG.sub("", html_text))


def _hard_split(line: str, limit: int) -> list[str]:
    """A line too long for one message, as escaped plain-text chunks cut between words."""
    chunks: list[str] = []
    current = ""
    for word in _plain(line).split(" "):
        piece = html.escape(word if not current else " " + word, quote=False)
        if len(current) + len(piece) > limit:
            if current:
                chunks.append(current)
            escaped = html.escape(word, quote=False)
            while len(escaped) > limit:  # one enormous word
                cut = escaped[:limit].rsplit("&", 1)[0] if "&" in escaped[:limit] else ""
                cut = cut or escaped[:limit]
                chunks.append(cut)
                escaped = escaped[len(cut) :]
            current = escaped
        else:
            current += piece
    if current:
        chunks.append(current)
    return chunks


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split a long HTML text on paragraph boundaries (then lines) into parts of <= limit.

    Our texts only use inline tags within a paragraph, so paragraph and line cuts keep the
    HTML valid; a single line longer than the limit is sent as plain text chunks.
    """
    if len(text) <= limit:
        return [text]
    units: list[str] = []
    for paragraph in text.split("\n\n"):
        if len(paragraph) <= limit:
            units.append(paragraph)
            continue
        for line in paragraph.split("\n"):
            units.extend([line] if len(line) <= limit else _hard_split(line, limit))
    parts: list[str] = []
    current = ""
    for unit in units:
        joined = f"{current}\n\n{unit}" if current else unit
        if len(joined) <= limit:
            current = joined
        else:
            parts.append(current)
            current = unit
    if current:
        parts.append(current)
    return [p for p in parts if p.strip()]
