"""Fixtures of the process tests: the fake Bot API as a real HTTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.sandbox.telegram_api import FakeBotAPI
from bot.sandbox.telegram_http import FakeBotAPIServer


@pytest.fixture
def fake_telegram() -> Iterator[tuple[FakeBotAPI, FakeBotAPIServer]]:
    """The fake Bot API behind a real HTTP server; it must see no invalid call."""
    api = FakeBotAPI()
    with FakeBotAPIServer(api) as server:
        yield api, server
    assert api.violations == [], api.violations
