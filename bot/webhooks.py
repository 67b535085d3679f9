"""What every inbound webhook needs: a body read with a running byte limit, the same request
handled once when the provider delivers it again, and one chat's updates handled in order."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import asynccontextmanager
from typing import Generic, TypeVar

from starlette.requests import Request

T = TypeVar("T")


class BodyTooLarge(Exception):
    """The request body passed the limit (with or without a Content-Length)."""


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, read chunk by chunk and refused as soon as it passes `limit` bytes
    (a chunked body has no Content-Length to check first)."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > limit):
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


class Once(Generic[T]):
    """Handles each key (an update_id, a MessageSid) once: a repeat that arrives while the
    first is being handled waits for it, a later one gets the first one's result. The last
    `remember` keys are kept; a key whose handling failed may be tried again."""

    def __init__(self, remember: int = 10_000) -> None:
        self.remember = remember
        self._done: OrderedDict[Hashable, T] = OrderedDict()
        self._running: dict[Hashable, asyncio.Future[T]] = {}

    async def run(self, key: Hashable, handle: Callable[[], Awaitable[T]]) -> T:
        """The result of handling `key`, handled at most once."""
        if key in self._done:
            return self._done[key]
        running = self._running.get(key)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._running[key] = future
        try:
            result = await handle()
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: a waiting repeat re-raises it, nobody else must
            raise
        finally:
            del self._running[key]
        future.set_result(result)
        self._done[key] = result
        while len(self._done) > self.remember:
            self._done.popitem(last=False)
        return result


class KeyedLocks:
    """One lock per key (a chat): what one chat sends is handled in order, different chats at
    the same time. Locks nobody holds or waits for are dropped."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        """Hold the key's lock for the duration of the block."""
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
