"""Signed, expiring links to files the service renders on demand (the survey report for a
resident who only gets texts): `{PUBLIC_URL}/files/<token>`.

A token names what it opens and until when: `<kind>.<subject id>.<stamp>.<expires>.<mac>`,
the MAC an HMAC-SHA256 (cut to 128 bits) of the rest, keyed with a key derived from
WEBHOOK_SECRET (which PUBLIC_URL requires; changing it ends every link). The stamp is the
owning feature's mark of the very thing the link was made for (a survey's completion time), so
a row that reuses a deleted one's id opens nothing. Nothing is stored: the feature that owns the
kind renders the file again when the link is opened (a registry, like erasure's), and answers
None when it is gone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core.clock import Clock
from core.errors import CrimeWatchError
from core.settings import Settings

FILES_PATH = "/files"
KEY_PURPOSE = b"crimewatch file links v1"
MAC_BYTES = 16
TOKEN_BODY = re.compile(r"([a-z][a-z0-9-]{0,19})\.(\d{1,12})\.([0-9a-z]{0,16})\.(\d{1,12})")


@dataclass(frozen=True, slots=True)
class LinkedFile:
    """A file as the link serves it."""

    filename: str
    media_type: str
    content: bytes


# A renderer gets the subject id and the stamp the link was made with, and returns the file,
# or None when what the link was made for is gone (deleted, forgotten, changed).
Renderer = Callable[[int, str], Awaitable[LinkedFile | None]]


class LinkRefused(CrimeWatchError):
    """A token we did not sign (tampered, truncated, made with another key)."""


class LinkExpired(CrimeWatchError):
    """A genuine token past its expiry."""


class LinkGone(CrimeWatchError):
    """A genuine, current token whose file no longer exists."""


def base36(number: int) -> str:
    """A non-negative number in 0-9a-z (short stamps)."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


def stamp_of(moment: datetime) -> str:
    """A stamp from a moment (whole seconds, so both databases give it back the same)."""
    return base36(int(moment.timestamp()))


class FileLinks:
    """Makes and checks file links, and asks the owning feature for the file."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.public_url = settings.public_url
        self.days = settings.file_link_days
        self.clock = clock
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        self._key = (
            hmac.new(secret.encode(), KEY_PURPOSE, hashlib.sha256).digest() if secret else None
        )
        self.renderers: dict[str, Renderer] = {}

    def register(self, kind: str, renderer: Renderer) -> None:
        """Let a feature render the files of a kind."""
        if not re.fullmatch(r"[a-z][a-z0-9-]{0,19}", kind):
            raise ValueError(f"a file kind is a short lowercase name, not {kind!r}")
        self.renderers[kind] = renderer

    @property
    def enabled(self) -> bool:
        """Whether links can be made (PUBLIC_URL is set)."""
        return self.public_url is not None and self._key is not None

    def _mac(self, body: str) -> str:
        assert self._key is not None
        digest = hmac.new(self._key, body.encode(), hashlib.sha256).digest()[:MAC_BYTES]
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def token(self, kind: str, subject_id: int, stamp: str, expires: datetime) -> str:
        """The signed token."""
        if kind not in self.renderers:
            raise ValueError(f"no feature renders {kind!r} files")
        body = f"{kind}.{subject_id}.{stamp}.{int(expires.timestamp())}"
        return f"{body}.{self._mac(body)}"

    def url(self, kind: str, subject_id: int, stamp: str) -> str | None:
        """A link valid for FILE_LINK_DAYS from now, or None without PUBLIC_URL."""
        if not self.enabled:
            return None
        expires = self.clock.now() + timedelta(days=self.days)
        return f"{self.public_url}{FILES_PATH}/{self.token(kind, subject_id, stamp, expires)}"

    def check(self, token: str) -> tuple[str, int, str]:
        """The kind, subject id and stamp of a genuine, current token; LinkRefused or
        LinkExpired otherwise."""
        if self._key is None or len(token) > 120:
            raise LinkRefused
        body, _, mac = token.rpartition(".")
        match = TOKEN_BODY.fullmatch(body)
        if not match or not hmac.compare_digest(mac.encode(), self._mac(body).encode()):
            raise LinkRefused
        kind, subject, stamp, expires = match.groups()
        if self.clock.now() >= datetime.fromtimestamp(int(expires), UTC):
            raise LinkExpired
        return kind, int(subject), stamp

    async def open(self, token: str) -> LinkedFile:
        """The file a token opens, rendered now; LinkRefused, LinkExpired or LinkGone."""
        kind, subject_id, stamp = self.check(token)
        renderer = self.renderers.get(kind)
        if renderer is None:
            raise LinkGone
        file = await renderer(subject_id, stamp)
        if file is None:
            raise LinkGone
        return file
