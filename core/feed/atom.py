"""Atom 1.0 (RFC 4287) documents, and Telegram's HTML made fit for a feed reader.

The XML is built with the standard library's ElementTree, which escapes text and attributes;
what it does not do is refuse characters XML 1.0 forbids, so those are dropped here first. An
entry's content is HTML carried as escaped text (`type="html"`), as readers expect.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"

# Characters XML 1.0 does not allow anywhere (C0 controls but tab and new lines, surrogates,
# U+FFFE and U+FFFF): one of them in an alert would make the whole feed unreadable.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Telegram's tags and what a feed reader is given for them; tags not listed are dropped and
# their text kept.
_TAGS = {
    "b": "b",
    "strong": "strong",
    "i": "i",
    "em": "em",
    "u": "u",
    "ins": "ins",
    "s": "s",
    "strike": "s",
    "del": "del",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "a",
    "tg-spoiler": "span",
    "span": "span",
}
# Links a reader may open; Telegram's own (tg://user?id=...) could name a person.
_SAFE_LINK = re.compile(r"^(https?://|mailto:|tel:)", re.IGNORECASE)


def xml_safe(text: str) -> str:
    """The text without the characters XML 1.0 forbids."""
    return _NOT_XML.sub("", text)


class _FeedHTML(HTMLParser):
    """Re-writes Telegram HTML as plain, balanced HTML, and collects its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        name = _TAGS.get(tag)
        if name is None:
            return
        attributes = ""
        if name == "a":
            href = dict(attrs).get("href") or ""
            if not _SAFE_LINK.match(href.strip()):
                return  # the text stays, without the link
            attributes = f' href="{html.escape(href.strip(), quote=True)}"'
        self.open.append(tag)
        self.parts.append(f"<{name}{attributes}>")

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.open:
            return
        while self.open:
            last = self.open.pop()
            self.parts.append(f"</{_TAGS[last]}>")
            if last == tag:
                break

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        escaped = html.escape(data, quote=False)
        if "pre" not in self.open:
            # Telegram shows new lines as they are typed; HTML needs them said.
            escaped = escaped.replace("\n", "<br>\n")
        self.parts.append(escaped)

    def finish(self) -> tuple[str, str]:
        self.close()
        while self.open:
            self.parts.append(f"</{_TAGS[self.open.pop()]}>")
        return "".join(self.parts), "".join(self.text)


def feed_html(body_html: str) -> tuple[str, str]:
    """(HTML for a feed reader, plain text) of a message in Telegram's HTML."""
    parser = _FeedHTML()
    parser.feed(xml_safe(body_html))
    return parser.finish()


@dataclass(frozen=True, slots=True)
class Category:
    """An Atom category: a term and the label people read."""

    term: str
    label: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of the feed."""

    id: str
    title: str
    published: datetime
    author: str
    categories: tuple[Category, ...]
    content_html: str


@dataclass(frozen=True, slots=True)
class Feed:
    """An Atom feed: its identity, its author, and its entries newest first."""

    id: str
    title: str
    subtitle: str
    author: str
    self_link: str
    updated: datetime
    entries: tuple[Entry, ...]
    generator: str = "Crime Watch bot"


def timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC to the second: 2026-12-01T15:00:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _child(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_safe(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_safe(text)
    return element


def _author(parent: ET.Element, name: str) -> None:
    _child(_child(parent, "author"), "name", name)


def render(feed: Feed) -> bytes:
    """The feed as an Atom 1.0 document in UTF-8."""
    root = ET.Element("feed", {"xmlns": ATOM_NS})
    _child(root, "id", feed.id)
    _child(root, "title", feed.title, type="text")
    _child(root, "subtitle", feed.subtitle, type="text")
    _child(root, "updated", timestamp(feed.updated))
    _author(root, feed.author)
    _child(root, "link", rel="self", type=MEDIA_TYPE, href=feed.self_link)
    _child(root, "generator", feed.generator)
    for item in feed.entries:
        entry = _child(root, "entry")
        _child(entry, "id", item.id)
        _child(entry, "title", item.title, type="text")
        _child(entry, "updated", timestamp(item.published))
        _child(entry, "published", timestamp(item.published))
        _author(entry, item.author)
        for category in item.categories:
            _child(entry, "category", term=category.term, label=category.label)
        _child(entry, "content", item.content_html, type="html")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
