"""Shared steps of the tips tests: reading tips back and driving the tip flows."""

from __future__ import annotations

from sqlalchemy import select

from core.clock import FrozenClock
from storage.audit.models import AuditEntry
from storage.delivery.models import Delivery, Notification
from storage.tips.models import Tip, TipEvent, TipPhoto, TipRelay
from tests.harness import TelegramHarness


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


async def audit_rows(tg: TelegramHarness) -> list[AuditEntry]:
    """Every audit-log row."""
    async with tg.services.db.transaction() as session:
        return list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


async def notifications(tg: TelegramHarness, kind: str | None = None) -> list[Notification]:
    """Notifications (of a kind), oldest first."""
    async with tg.services.db.transaction() as session:
        query = select(Notification).order_by(Notification.id)
        if kind is not None:
            query = query.where(Notification.kind == kind)
        return list(await session.scalars(query))


async def deliveries(tg: TelegramHarness) -> list[Delivery]:
    """Every delivery row."""
    async with tg.services.db.transaction() as session:
        return list(await session.scalars(select(Delivery).order_by(Delivery.id)))


def sent_to(tg: TelegramHarness, chat: int) -> list[str]:
    """Every text and caption the bot sent to or edited in a chat."""
    out = []
    for call in tg.api.calls:
        if not call.ok or str(call.params.get("chat_id")) != str(chat):
            continue
        for key in ("text", "caption"):
            if key in call.params:
                out.append(str(call.params[key]))
    return out


def received(tg: TelegramHarness, chat: int, fragment: str) -> bool:
    """Whether the bot sent a chat something containing the fragment."""
    return any(fragment in text for text in sent_to(tg, chat))


async def guided_tip(
    tg: TelegramHarness, uid: int, text: str, *, category: str = "vehicle", named: bool = False
) -> None:
    """/tip through every step, skipping the optional ones, choosing a category."""
    await tg.send(uid, "/tip")
    await tg.send(uid, text)
    await tg.press(uid, "tipf:skip")  # when
    await tg.press(uid, "tipf:skip")  # where
    await tg.press(uid, "tipf:skip")  # photos
    await tg.press(uid, f"tipf:cat:{category}")
    if category == "suspicious":
        await tg.press(uid, "tipf:skip")
    await tg.press(uid, "tipf:named" if named else "tipf:anon")


async def digest(tg: TelegramHarness, clock: FrozenClock) -> None:
    """Run the digest job a digest interval later and deliver what it queued."""
    from scheduler.tip_jobs import tip_digest

    clock.advance(minutes=tg.services.settings.tip_digest_minutes)
    await tip_digest(tg.services)
    await tg.deliver()
