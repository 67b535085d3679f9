"""Helpers for the calendar's tests: a neighborhood, the scheduler's tick, files sent."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from core.meetings.ics import unfold
from scheduler import due_jobs
from storage.audit.models import AuditEntry
from storage.delivery.models import Notification
from tests.conftest import OFFICER_ID
from tests.fakes.telegram_api import ApiCall
from tests.harness import TelegramHarness
from tests.test_bot_groups import make_group

ANN, BOB, CAT, DAN, EVE, FAY = 701, 702, 703, 704, 705, 706
# Member ids follow registration order.
ANN_ID, BOB_ID, CAT_ID, DAN_ID, EVE_ID, FAY_ID = 1, 2, 3, 4, 5, 6


def utc(*parts: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def fast_files(tg: TelegramHarness) -> None:
    """No one-second pause between a message and its file in tests."""
    notifier = tg.services.delivery.senders["telegram"].notifier
    notifier.part_interval = 0  # type: ignore[attr-defined]


async def neighborhood(tg: TelegramHarness, *, extra: bool = True) -> None:
    """Oak (Ann leads; Bob, Eve, Fay members) and Elm (Cat); Dan in no group."""
    fast_files(tg)
    await make_group(tg, "Oak Park", "OAK", approval=False)
    await make_group(tg, "Elm Street", "ELM", approval=False)
    people = [(ANN, "Ann"), (BOB, "Bob"), (CAT, "Cat"), (DAN, "Dan")]
    if extra:
        people += [(EVE, "Eve"), (FAY, "Fay")]
    for uid, name in people:
        await tg.register(uid, name)
    for uid in (ANN, BOB, EVE, FAY) if extra else (ANN, BOB):
        await tg.send(uid, "/join OAK")
    await tg.send(CAT, "/join ELM")
    await tg.send(OFFICER_ID, f"/setleader OAK {ANN_ID}")
    await tg.deliver()
    tg.api.clear()


async def tick(tg: TelegramHarness) -> None:
    """One run of the scheduler's minute job, then delivery."""
    await due_jobs.calendar_tick(tg.services)
    await tg.deliver()


def received(tg: TelegramHarness, uid: int, fragment: str) -> bool:
    """Whether any message to the user contains the fragment."""
    return any(fragment in text for text in tg.texts(uid))


def count_received(tg: TelegramHarness, uid: int, fragment: str) -> int:
    """How many messages to the user contain the fragment."""
    return sum(fragment in text for text in tg.texts(uid))


def documents(tg: TelegramHarness, uid: int) -> list[ApiCall]:
    """Files the bot sent to a chat."""
    return [
        c for c in tg.api.calls_to("sendDocument") if c.ok and str(c.params["chat_id"]) == str(uid)
    ]


def document_text(call: ApiCall) -> str:
    """An uploaded file's content as text."""
    return call.files["document"].content.decode("utf-8")


def ics_lines(call: ApiCall) -> list[str]:
    """An uploaded .ics file's unfolded content lines."""
    return unfold(document_text(call))


async def audit_actions(tg: TelegramHarness, outcome: str | None = None) -> list[str]:
    """Audit actions, oldest first (of an outcome)."""
    async with tg.services.db.transaction() as session:
        query = select(AuditEntry.action).order_by(AuditEntry.id)
        if outcome:
            query = query.where(AuditEntry.outcome == outcome)
        return list(await session.scalars(query))


async def notifications(tg: TelegramHarness, kind: str) -> int:
    """How many notifications of a kind were queued."""
    async with tg.services.db.transaction() as session:
        return int(
            await session.scalar(
                select(func.count(Notification.id)).where(Notification.kind == kind)
            )
            or 0
        )
