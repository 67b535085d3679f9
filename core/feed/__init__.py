"""The public feed: officers' alerts and scam alerts and the published safety news, as Atom,
for local news sites and social media to pick up.

What is public is listed, never guessed: notifications of the kinds "alert" and "scam" sent to
everyone or to a topic's subscribers (and, for a watch group's feed, those to that one group),
and those of the kind "news". Leaders' broadcasts, partner groups' messages, tips and every
other kind stay out, as do cancelled items and scheduled ones whose time has not come. An
entry is the message as residents got it, signed by the department: who sent it (the stored
author label holds a Telegram id) and who got it are never read.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from core.delivery import CATEGORIES
from core.errors import InvalidInput, NotFound
from core.feed.atom import MEDIA_TYPE, Category, Entry, Feed, feed_html, render
from core.shared import SharedService
from storage.delivery.records import PublicNotification
from storage.delivery.repositories import OutboxRepository
from storage.members.repositories import GroupRepository

__all__ = ["BAD_QUERY", "FEED_PATH", "MEDIA_TYPE", "FeedDocument", "PublicFeed"]

FEED_PATH = "/feed.xml"
PUBLIC_KINDS = ("alert", "scam", "news")
# The audience labels of alerts to everyone and to a topic, as the alerts feature writes them
# (`Audience.describe`); a group's alert is labelled with the group's name instead.
PUBLIC_AUDIENCES = ("everyone", *(f"subscribers of {label}" for label in CATEGORIES.values()))
KIND_LABELS = {"alert": "Police alert", "scam": "Scam alert", "news": "Safety news"}
# Watch-group codes as groups are given them (core.validation.CODE_PATTERN), in any case.
GROUP_CODE = re.compile(r"^[A-Za-z0-9]{3,12}$")
# A partner group's code answers exactly like a code no group has: the feed must not tell
# anyone that a private group exists.
NO_SUCH_GROUP = "There is no public feed for that group.\n"
BAD_QUERY = "The group must be a watch group's code: 3-12 letters and digits.\n"
TITLE_MAX = 80
# The first line of an alert is the heading the alerts feature puts there ("🔔 Police
# alert"); the officer's words start after it.
_HEADED_KINDS = ("alert", "scam")
_MARKERS = "📰🔔🚨⚠️\ufe0f "
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class FeedDocument:
    """A rendered feed with what HTTP caches need: an ETag, and when it last changed (None
    for a feed with no entries)."""

    body: bytes
    etag: str
    last_modified: datetime | None


def clean_group_code(value: str) -> str:
    """A watch-group code from a query, upper-cased; InvalidInput when it cannot be one."""
    if not GROUP_CODE.match(value):
        raise InvalidInput(BAD_QUERY)
    return value.upper()


def shorten(line: str, limit: int = TITLE_MAX) -> str:
    """One line of at most `limit` characters, cut at a word where it can be."""
    line = " ".join(line.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:-") + "…"


def entry_title(item: PublicNotification, text: str) -> str:
    """The first line of the message, trimmed; scam alerts and urgent alerts say so."""
    lines = text.split("\n")
    if item.kind in _HEADED_KINDS:
        lines = lines[1:]
    first = next((line.strip(_MARKERS) for line in lines if line.strip(_MARKERS)), "")
    fallback = KIND_LABELS.get(item.kind, "Police alert")
    if item.kind == "scam":
        return shorten(f"Scam alert: {first}" if first else fallback)
    if item.kind == "alert" and item.urgency == "urgent":
        return shorten(f"Urgent: {first}" if first else fallback)
    return shorten(first or fallback)


def topic_of(item: PublicNotification) -> str | None:
    """The topic an item went to: its category, or the topic named by its audience."""
    if item.category:
        return item.category
    for key, label in CATEGORIES.items():
        if item.audience == f"subscribers of {label}":
            return key
    return None


def categories_of(item: PublicNotification) -> tuple[Category, ...]:
    """The item's kind, its topic, and whether it was urgent."""
    found = [Category(item.kind, KIND_LABELS.get(item.kind, item.kind))]
    topic = topic_of(item)
    if topic and topic != item.kind:
        found.append(Category(topic, CATEGORIES.get(topic, topic)))
    if item.urgency == "urgent":
        found.append(Category("urgent", "Urgent"))
    return tuple(found)


class PublicFeed(SharedService):
    """Builds the public Atom feed, for everyone or for one watch group."""

    def _authority(self) -> str:
        """The tag URI authority: PUBLIC_URL's host, or a name that is no one's domain."""
        host = urlsplit(self.settings.public_url).hostname if self.settings.public_url else None
        return f"{host or 'crimewatch.invalid'},2026"

    def _self_link(self, code: str | None) -> str:
        path = FEED_PATH + (f"?group={code}" if code else "")
        return f"{self.settings.public_url}{path}" if self.settings.public_url else path

    async def document(self, group: str | None = None) -> FeedDocument:
        """The feed for everyone, or for the watch group with this code (InvalidInput for a
        malformed code; NotFound for an unknown code or a partner group's)."""
        code = clean_group_code(group) if group is not None else None
        now = self.clock.now()
        async with self.db.transaction() as session:
            group_id: int | None = None
            group_name = ""
            if code is not None:
                found = await GroupRepository(session).by_code(code)
                if found is None or found.is_partner:
                    raise NotFound(NO_SUCH_GROUP)
                group_id, group_name = found.id, found.name
            items = await OutboxRepository(session).public(
                kinds=PUBLIC_KINDS,
                audiences=PUBLIC_AUDIENCES,
                group_id=group_id,
                until=now,
                limit=self.settings.feed_size,
            )
        feed = self._feed(code, group_name, items, now)
        # The ETag is the content's: a feed with no entries is stamped with the time it was
        # asked for, which says nothing new, so it is left out of the tag.
        stable = render(feed if feed.entries else replace(feed, updated=_EPOCH))
        digest = hashlib.sha256(stable).hexdigest()[:32]
        return FeedDocument(
            body=render(feed),
            etag=f'W/"{digest}"',
            last_modified=feed.updated if feed.entries else None,
        )

    def _feed(
        self, code: str | None, group_name: str, items: list[PublicNotification], now: datetime
    ) -> Feed:
        tag = f"tag:{self._authority()}"
        name = self.settings.service_name
        entries = []
        for item in items:
            content, text = feed_html(item.body_html)
            entries.append(
                Entry(
                    id=f"{tag}:notification/{item.id}",
                    title=entry_title(item, text),
                    published=item.sent_at,
                    author=name,
                    categories=categories_of(item),
                    content_html=content,
                )
            )
        about = (
            "Police alerts, scam alerts and safety news from the Crime Prevention Unit. "
            "Not an emergency service: call 911 in an emergency."
        )
        return Feed(
            id=f"{tag}:feed" + (f"/group/{code}" if code else ""),
            title=f"{name}: {group_name}" if code else f"{name}: alerts and safety news",
            subtitle=about,
            author=name,
            self_link=self._self_link(code),
            updated=entries[0].published if entries else now,
            entries=tuple(entries),
        )
