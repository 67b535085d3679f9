"""The plain SMS rendering of a message: HTML to text, GSM-friendly punctuation, the 1600 limit.

Segment counting lives in `notifiers.sms_segments` (the notifier needs it and may not import
core); it is re-exported here so that core code has one place to look.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from notifiers.sms_segments import GSM7_BASIC, GSM7_EXTENDED, encoding, is_gsm7, segments

__all__ = [
    "GSM7_BASIC",
    "GSM7_EXTENDED",
    "SMS_LIMIT",
    "encoding",
    "gsm_friendly",
    "html_to_plain",
    "is_gsm7",
    "segments",
    "sms_body",
    "utf16_length",
]

SMS_LIMIT = 1600  # Twilio refuses longer bodies (error 21617)

# Typographic characters people (and phone keyboards' "smart punctuation") type, with their
# GSM-7 equivalents: one of them alone would switch a whole alert to UCS-2 and more than double
# its segments. Twilio's "smart encoding" does the same, but only when asked for.
TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",
        "\u2060": "",
        "\ufeff": "",
        "\t": " ",
    }
)

BLOCK_TAGS = frozenset({"blockquote", "pre"})


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units (an emoji counts two), the unit carriers count in."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def gsm_friendly(text: str) -> str:
    """The text with typographic quotes, dashes, ellipses and odd spaces made GSM-7."""
    return text.translate(TYPOGRAPHIC)


class _PlainText(HTMLParser):
    """Collects the text of Telegram-flavoured HTML, turning links into 'text (url)'."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str, int]] = []  # (href, index in parts where its text starts)

    def _ensure_newline(self) -> None:
        text = "".join(self.parts)
        if text and not text.endswith("\n"):
            self.parts.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append((href, len(self.parts)))
        elif tag == "br":
            self.parts.append("\n")
        elif tag in BLOCK_TAGS:
            self._ensure_newline()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.parts[start:]).strip()
            if _link_suffix_needed(label, href):
                self.parts.append(f" ({href})" if label else href)
        elif tag in BLOCK_TAGS:
            self._ensure_newline()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _link_suffix_needed(label: str, href: str) -> bool:
    """Whether a link's address adds anything to its text in a plain rendering."""
    if not href or href.startswith("tg://"):  # a Telegram mention means nothing in an SMS
        return False
    bare = re.sub(r"^(mailto:|tel:)", "", href)
    return label not in (href, bare, href.rstrip("/"))


def html_to_plain(html: str) -> str:
    """Plain text from our Telegram HTML: tags dropped, entities decoded, links spelled out."""
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def sms_body(service_name: str, text: str, limit: int = SMS_LIMIT) -> str:
    """'<service name>: <text>', at most `limit` characters (UTF-16 units), cut on a word.

    A cut body ends with "..." when it is GSM-7 and with "…" otherwise: the single character
    "…" is not in the GSM alphabet and would double the segments of a GSM-7 message.
    """
    if limit < 8:
        raise ValueError("an SMS body limit must allow a few characters")
    body = f"{service_name}: {gsm_friendly(text).strip()}"
    if utf16_length(body) <= limit:
        return body
    ellipsis = "..." if is_gsm7(body) else "…"
    room = limit - utf16_length(ellipsis)
    end, used = 0, 0
    for ch in body:
        size = 2 if ord(ch) > 0xFFFF else 1
        if used + size > room:
            break
        used += size
        end += 1
    cut = body[:end]
    if not body[end].isspace():  # the cut fell inside a word: drop the partial word
        boundary = max(cut.rfind(" "), cut.rfind("\n"))
        if boundary > len(service_name) + 1:
            cut = cut[:boundary]
    return cut.rstrip(" \n,;:-") + ellipsis
