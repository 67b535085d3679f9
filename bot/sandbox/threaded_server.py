"""A real HTTP server (uvicorn) for a fake, on a background thread with its own event loop.

Subprocess tests and benchmarks point the service at it (`TELEGRAM_API_URL`,
`TWILIO_API_URL`); a synchronous test reaches the fake on the server's loop with `call()` or
`run_coro()`.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import inspect
import logging
import threading
from collections.abc import Callable, Coroutine, Generator
from typing import Any, TypeVar

import uvicorn
from starlette.types import Receive, Scope, Send

T = TypeVar("T")
S = TypeVar("S", bound="ThreadedServer")

START_TIMEOUT = 10.0  # seconds start() waits for the server to listen
CALL_TIMEOUT = 30.0  # seconds call()/run_coro() wait for the server loop
STOP_TIMEOUT = 10.0  # seconds stop() waits for the server thread

log = logging.getLogger(__name__)


class _ThreadedUvicorn(uvicorn.Server):
    """A uvicorn server that leaves signals alone and reports when it listens."""

    def __init__(self, config: uvicorn.Config, on_started: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_started = on_started

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        """Signals belong to the main thread (and to pytest): install no handlers."""
        yield

    async def startup(self, sockets: list[Any] | None = None) -> None:
        """Start listening, then tell the thread that started the server."""
        await super().startup(sockets=sockets)
        if self.started:
            self._on_started()


class ThreadedServer(abc.ABC):
    """Serves `asgi_app()` from a background thread; subclasses say what to serve."""

    name = "ThreadedServer"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._uvicorn: _ThreadedUvicorn | None = None
        self._closing: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @abc.abstractmethod
    def asgi_app(self) -> Callable[[Scope, Receive, Send], Coroutine[Any, Any, None]]:
        """The ASGI application to serve."""

    @property
    def url(self) -> str:
        """The server's root, e.g. ``http://127.0.0.1:54321``."""
        if not self.running:
            raise RuntimeError(f"{self.name} is not running; call start() first")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        """True between a successful ``start()`` and ``stop()``."""
        thread = self._thread
        return (
            thread is not None
            and thread.is_alive()
            and self._ready.is_set()
            and self._error is None
        )

    def start(self: S) -> S:
        """Start serving on a background thread; returns once the server listens."""
        if self._thread is not None:
            raise RuntimeError(f"{self.name} was already started")
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT):
            raise RuntimeError(f"{self.name} did not start within {START_TIMEOUT}s")
        if self._error is not None:
            self._thread.join(STOP_TIMEOUT)
            raise RuntimeError(f"{self.name} failed to start: {self._error!r}")
        return self

    def stop(self) -> None:
        """Shut the server down and wait for its thread; the fake stays inspectable."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None or not thread.is_alive():
            return

        def request_exit() -> None:
            if self._closing is not None:
                self._closing.set()
            if self._uvicorn is not None:
                self._uvicorn.should_exit = True

        with contextlib.suppress(RuntimeError):  # the loop has closed already
            loop.call_soon_threadsafe(request_exit)
        thread.join(STOP_TIMEOUT)
        if thread.is_alive():
            raise RuntimeError(f"{self.name} did not stop within {STOP_TIMEOUT}s")

    def __enter__(self: S) -> S:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    async def closing(self) -> None:
        """Wait until the server is asked to stop (on the server's loop)."""
        assert self._closing is not None
        await self._closing.wait()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:  # uvicorn exits with SystemExit when it cannot bind
            self._error = exc
            log.exception("%s stopped with an error", self.name)
        finally:
            self._ready.set()
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()

    async def _serve(self) -> None:
        self._closing = asyncio.Event()
        config = uvicorn.Config(
            self.asgi_app(),
            host=self.host,
            port=self.port,
            http="h11",
            ws="none",
            lifespan="off",
            log_config=None,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        server = self._uvicorn = _ThreadedUvicorn(config, self._started)
        await server.serve()

    def _started(self) -> None:
        assert self._uvicorn is not None
        self.port = self._uvicorn.servers[0].sockets[0].getsockname()[1]
        self._ready.set()

    def run_coro(self, coro: Coroutine[Any, Any, T], timeout: float = CALL_TIMEOUT) -> T:
        """Run ``coro`` on the server's loop and return its result (from another thread)."""
        loop = self._loop
        if not self.running or loop is None or loop.is_closed():
            coro.close()
            raise RuntimeError(f"{self.name} is not running")
        if threading.current_thread() is self._thread:
            coro.close()
            raise RuntimeError("run_coro() from the server's own thread would deadlock")
        return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout)

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call ``fn(*args, **kwargs)`` on the server's loop and return the result (awaited if
        it is awaitable)."""

        async def invoke() -> Any:
            result = fn(*args, **kwargs)
            if inspect.isawaitable(result):
                result = await result
            return result

        return self.run_coro(invoke())
