"""What the sandbox's Telegram and Twilio send to the service in the background (webhooks,
status callbacks): one HTTP client, and the tasks still on their way, ended together."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any

import httpx


class Outgoing:
    """Background sends to the service, and the client they share."""

    def __init__(self) -> None:
        self._http: httpx.AsyncClient | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def http(self) -> httpx.AsyncClient:
        """The client (made on first use, inside the running loop)."""
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=30)
        return self._http

    def spawn(self, send: Coroutine[Any, Any, None]) -> None:
        """Send in the background; `close` ends what is still on its way."""
        task = asyncio.get_running_loop().create_task(send)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        """Cancel what is still on its way and close the client."""
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        if self._http is not None:
            await self._http.aclose()
