"""Shared steps of the tips tests: reading tips back and driving the tip flows."""

from __future__ import annotations

from sqlalchemy import select

from core.clock import FrozenClock
from scheduler.tip_jobs import tip_digest
from storage.tips.models import Tip, TipEvent, TipPhoto, TipRelay
from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness


async def tips(tg: TelegramHarness) -> list[Tip]:
    """Every tip row, oldest first."""
    async with tg.services.db.transaction() as session:
        return list(await session.scalars(select(Tip).order_by(Tip.id)))


async def relays(tg: TelegramHarness) -> list[TipRelay]:
    """Every relay row."""
    async with tg.services.db.transaction() as session:
        return list(await session.scalars(select(TipRelay).order_by(TipRelay.tip_id)))


async def photos(tg: TelegramHarness, tip_id: int) -> list[str]:
    """A tip's photo file ids."""
    async with tg.services.db.transaction() as session:
        rows = await session.scalars(select(TipPhoto.file_id).where(TipPhoto.tip_id == tip_id))
        return list(rows)


async def events(tg: TelegramHarness, tip_id: int) -> list[TipEvent]:
    """A tip's timeline rows."""
    async with tg.services.db.transaction() as session:
        rows = await session.scalars(
            select(TipEvent).where(TipEvent.tip_id == tip_id).order_by(TipEvent.id)
        )
        return list(rows)


async def guided_tip(
    tg: TelegramHarness,
    uid: int,
    text: str,
    *,
    category: str = "vehicle",
    named: bool = False,
    presses: int = 1,
) -> None:
    """/tip through every step, skipping the optional ones, choosing a category, and Send on
    the review pressed `presses` times at once."""
    await tg.send(uid, "/tip")
    await tg.send(uid, text)
    await tg.press(uid, "tipf:skip")  # when
    await tg.press(uid, "tipf:skip")  # where
    await tg.press(uid, "tipf:skip")  # photos
    await tg.press(uid, f"tipf:cat:{category}")
    if category == "suspicious":
        await tg.press(uid, "tipf:skip")
    await tg.press(uid, "tipf:named" if named else "tipf:anon")
    await tg.press_at_once(uid, "tipf:send", times=presses)


async def digest(tg: TelegramHarness, clock: FrozenClock) -> None:
    """Run the digest job a digest interval later and deliver what it queued."""

    clock.advance(minutes=tg.services.settings.tip_digest_minutes)
    await tip_digest(tg.services)
    await tg.deliver()


async def relayed_message(tg: TelegramHarness, chat: int, fragment: str) -> dict[str, object]:
    """The bot's message (as Telegram returned it) to a chat containing a fragment."""
    for call in reversed(tg.api.calls_to("sendMessage")):
        if call.ok and str(call.params["chat_id"]) == str(chat) and fragment in call.params["text"]:
            return dict(call.result)
    raise AssertionError(f"nothing with {fragment!r} sent to {chat}")


async def telegram_reply(tg: TelegramHarness, uid: int, text: str, to: dict[str, object]) -> None:
    """A message sent with Telegram's Reply on one of the bot's messages."""
    update = tg.factory.text(tg.user(uid), text)
    update["message"]["reply_to_message"] = to
    await tg.process(update)


async def officer_asks(tg: TelegramHarness, tip_id: int, question: str) -> None:
    """The officer opens a tip from /tips, presses Reply, writes a question; it is delivered."""
    await tg.send(OFFICER_ID, "/tips")
    await tg.press(OFFICER_ID, f"tip:v:{tip_id}")
    await tg.press(OFFICER_ID, f"tip:r:{tip_id}")
    await tg.send(OFFICER_ID, question)
    await tg.deliver()
