"""Random updates through the real Application (hypothesis): text of any Unicode and length,
commands with odd arguments, photos with captions, contacts, locations, edits, and callback
data of any kind, from a resident, a leader and an officer. Whatever arrives, nothing fails
unhandled ("Something went wrong" is never sent) and the fake Bot API accepts every call."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.sandbox.telegram_api import FakeBotAPI
from bot.telegram.app import build_application
from bot.telegram.texts import SOMETHING_WENT_WRONG
from core.clock import FrozenClock
from core.services import Services
from notifiers.telegram import TelegramNotifier
from storage.engine import Database
from tests.conftest import OFFICER_ID, make_settings
from tests.support.harness import TelegramHarness

RESIDENT, LEADER = 951, 952
PEOPLE = (RESIDENT, LEADER, OFFICER_ID)
COMMANDS = (
    "/start", "/help", "/profile", "/settings", "/stop", "/resume", "/forget", "/cancel",
    "/join", "/leave", "/tip", "/mytips", "/tips", "/alert", "/scam", "/broadcast", "/report",
    "/unsend", "/meeting", "/meetings", "/vacation", "/back", "/checked", "/election",
    "/nominate", "/vote", "/news", "/newgroup", "/setleader", "/pending", "/members", "/groups",
    "/audit", "/property", "/property add", "/stolen", "/talk", "/mytalks", "/talks", "/events",
    "/survey", "/mysurveys", "/surveys", "/partners", "/newpartner", "/officername", "/checkin",
    "/checkins", "/duty", "/stats", "/stats town", "/stats burglary", "/area", "/area OAK",
    "/hotspots", "/hotspots 7", "/nonsense",
)  # fmt: skip
PREFIXES = (
    "alert:", "tipf:", "tip:", "vac:", "mtg:", "rsvp:", "news:", "nom:", "vote:", "join:",
    "leave:", "review:", "newgroup:", "setleader:", "set:", "edit:", "consent:", "forget:",
    "prop:", "propf:", "propx:", "stol:", "talkf:", "talkm:", "talkr:", "talk:", "talk:v:",
    "talk:st:1:", "talkm:cy:", "svq:", "sv:", "prt:", "prt:iy:", "oname:", "chk:", "chk:ok:",
    "chk:got:", "chk:iy:", "chkf:", "chkm:", "chkm:p:1", "chkc:", "chko:", "area:r:", "",
)  # fmt: skip

any_text = st.text(st.characters(codec="utf-8"), max_size=5000)
short_text = st.text(st.characters(codec="utf-8"), max_size=80)
command = st.builds(lambda c, a: f"{c} {a}".strip(), st.sampled_from(COMMANDS), short_text)
callback_data = st.one_of(
    st.builds(lambda p, rest: (p + rest)[:64], st.sampled_from(PREFIXES), short_text),
    st.text(max_size=64),
)
action = st.one_of(
    st.tuples(st.just("text"), st.sampled_from(PEOPLE), st.one_of(any_text, command)),
    st.tuples(st.just("edit"), st.sampled_from(PEOPLE), st.one_of(short_text, command)),
    st.tuples(st.just("photo"), st.sampled_from(PEOPLE), st.one_of(st.none(), short_text)),
    st.tuples(st.just("contact"), st.sampled_from(PEOPLE), st.text("+0123456789 ", max_size=20)),
    st.tuples(
        st.just("location"),
        st.sampled_from(PEOPLE),
        st.tuples(st.floats(-90, 90), st.floats(-180, 180)),
    ),
    st.tuples(st.just("press"), st.sampled_from(PEOPLE), st.integers(0, 20)),
    st.tuples(st.just("callback"), st.sampled_from(PEOPLE), callback_data),
)


@asynccontextmanager
async def fresh_service(template: Path, directory: Path) -> AsyncIterator[TelegramHarness]:
    """A registered resident and a leader of OAK on a fresh copy of the migrated database."""
    path = directory / f"{uuid.uuid4().hex}.db"
    shutil.copy(template, path)
    database = Database(f"sqlite+aiosqlite:///{path}")
    clock = FrozenClock(datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    services = Services.build(make_settings(), database, clock=clock)

    async def no_wait(_seconds: float) -> None:
        await asyncio.sleep(0)

    services.delivery.sleep = no_wait
    await services.officers.seed([OFFICER_ID])
    api = FakeBotAPI(bot_id=123456, bot_username="crimewatch_test_bot", clock=clock)
    app = build_application(services, api.token, request=api.request(), updater=False)
    services.delivery.add_notifier("telegram", TelegramNotifier(app.bot))
    await app.initialize()
    tg = TelegramHarness(app, api, services)
    try:
        await tg.register(RESIDENT, "Rita Resident")
        await tg.register(LEADER, "Leo Leader")
        await tg.send(OFFICER_ID, "/newgroup")
        for answer in ("Oak Park", "OAK", "Oak St to Elm St"):
            await tg.send(OFFICER_ID, answer)
        await tg.press(OFFICER_ID, "newgroup:approval:n")
        await tg.press(OFFICER_ID, "newgroup:skip")
        await tg.send(LEADER, "/join OAK")
        await tg.send(RESIDENT, "/join OAK")
        await tg.send(OFFICER_ID, "/setleader OAK 2")
        yield tg
    finally:
        await app.shutdown()
        await database.dispose()
        path.unlink(missing_ok=True)


async def play(tg: TelegramHarness, kind: str, who: int, value: Any) -> None:
    """One action as Telegram would deliver it."""
    user = tg.user(who)
    if kind == "text":
        await tg.process(tg.factory.text(user, value or " "))
    elif kind == "edit":
        await tg.process(tg.factory.edited_text(user, value or " ", 1))
    elif kind == "photo":
        await tg.process(tg.factory.photo(user, caption=value))
    elif kind == "contact":
        await tg.process(tg.factory.contact(user, value or "0", None))
    elif kind == "location":
        await tg.process(tg.factory.location(user, *value))
    elif kind == "press":
        shown = [data for _, data in tg.api.buttons(who) if data]
        if shown:
            data = shown[value % len(shown)]
            await tg.process(tg.factory.callback(user, data, tg.message_with_button(who, data)))
    elif kind == "callback":
        await tg.process(tg.factory.callback(user, value, 1))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@settings(
    max_examples=100,
    derandomize=True,  # the same examples on every run: CI stays repeatable
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=st.lists(action, min_size=1, max_size=8))
async def test_random_updates_never_fail_unhandled(
    actions: list[tuple[str, int, Any]],
    sqlite_template: Path,
    tmp_path: Path,
    database_url: str,
) -> None:
    async with fresh_service(sqlite_template, tmp_path) as tg:
        for kind, who, value in actions:
            await play(tg, kind, who, value)
            await tg.deliver()
        sent = [str(c.params.get("text", "")) for c in tg.api.calls if c.ok]
        assert not any(SOMETHING_WENT_WRONG in text for text in sent), actions
        assert tg.api.violations == [], (tg.api.violations, actions)
