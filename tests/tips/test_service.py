"""The tips services on SQLite and PostgreSQL: references under concurrency, what an
anonymous tip stores, the relay, limits, permissions, forgetting, and the digest."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from core.clock import FrozenClock
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.permissions import Actor
from core.services import Services
from core.tips.rules import Source, TipDraft
from storage.audit.models import AuditEntry
from storage.members.repositories import MemberRepository
from storage.tips.models import Tip, TipRateMark, TipRelay, TipSecret
from tests.support.members import officer
from tests.support.rows import rows

CHAT = Source.telegram(4242, 4242)


async def add_member(
    services: Services, uid: int, name: str, phone: str, *, verified: bool = True
) -> int:
    async with services.db.transaction() as session:
        repo = MemberRepository(session)
        member = await repo.create(
            telegram_user_id=uid, telegram_chat_id=uid, now=services.clock.now()
        )
        await repo.update(
            member.id,
            services.clock.now(),
            display_name=name,
            phone_e164=phone,
            phone_verified_at=services.clock.now() if verified else None,
            address="1 Main St",
            registered_at=services.clock.now(),
        )
        return member.id


async def test_references_count_per_local_year(services: Services, clock: FrozenClock) -> None:
    clock.set(datetime(2027, 1, 1, 4, 30, tzinfo=UTC))  # still Dec 31 in New York
    first = await services.tips.filing.file(TipDraft("one"), CHAT)
    second = await services.tips.filing.file(TipDraft("two"), CHAT)
    clock.advance(hours=1)  # Jan 1 local: a new year
    third = await services.tips.filing.file(TipDraft("three"), CHAT)
    assert [first.reference, second.reference, third.reference] == [
        "T-2026-00001",
        "T-2026-00002",
        "T-2027-00001",
    ]


async def test_concurrent_filings_get_distinct_references(services: Services) -> None:
    services.settings.tips_per_hour = 100
    sources = [Source.telegram(1000 + n, 1000 + n) for n in range(8)]
    filed = await asyncio.gather(
        *(services.tips.filing.file(TipDraft(f"tip {n}"), s) for n, s in enumerate(sources))
    )
    assert sorted(f.reference for f in filed) == [f"T-2026-{n:05d}" for n in range(1, 9)]


async def test_an_anonymous_tip_row_holds_no_identity(services: Services) -> None:
    await add_member(services, 4242, "Zed Member", "+12035550133")
    filed = await services.tips.filing.file(TipDraft("Van parked for days", place="Elm St"), CHAT)
    assert filed.anonymous and filed.name is None and not filed.urgent
    [tip] = await rows(services, Tip)
    assert (tip.tipster_member_id, tip.tipster_name, tip.anonymous) == (None, None, True)
    [relay] = await rows(services, TipRelay)
    assert (relay.token, relay.channel, relay.address) == (filed.token, "telegram", "4242")
    named = await services.tips.filing.file(TipDraft("Named one"), CHAT, named=True)
    assert named.name == "Zed Member"
    with pytest.raises(InvalidInput, match="name officers should see"):
        await services.tips.filing.file(TipDraft("by text"), Source.sms("+12035550199"), named=True)


async def test_details_photos_and_names_go_through_the_token(services: Services) -> None:
    filed = await services.tips.filing.file(TipDraft("Bike stolen"), CHAT)
    tip = await services.tips.filing.amend(filed.token, place="Library", category="theft")
    assert (tip.place, tip.category) == ("Library", "theft")
    for n in range(5):
        assert await services.tips.filing.add_photo(filed.token, f"F{n}") == n + 1
    with pytest.raises(Conflict, match="already has 5 photos"):
        await services.tips.filing.add_photo(filed.token, "F5")
    with pytest.raises(InvalidInput, match="Unknown category"):
        await services.tips.filing.amend(filed.token, category="arson")
    with pytest.raises(NotFound):
        await services.tips.filing.amend("no-such-token", place="x")
    assert await services.tips.filing.add_name(filed.token, None, "Pat") == "Pat"
    [row] = await rows(services, Tip)
    await services.tips.triage.close(await officer(services), row.id, "resolved")
    with pytest.raises(Conflict, match="closed"):
        await services.tips.filing.amend(filed.token, place="Park")
    with pytest.raises(Conflict, match="closed"):
        await services.tips.relay.answer(filed.token, "one more thing")


async def test_rate_limit_marks_name_no_one_and_expire(
    services: Services, clock: FrozenClock
) -> None:
    services.settings.tips_per_hour = 1
    await services.tips.filing.file(TipDraft("first"), CHAT)
    with pytest.raises(Conflict, match="1 in the last hour"):
        await services.tips.filing.file(TipDraft("second"), CHAT)
    with pytest.raises(Conflict):
        await services.tips.filing.check_rate(CHAT)
    [secret] = await rows(services, TipSecret)
    clock.advance(minutes=30)
    with pytest.raises(Conflict, match="about 30 minutes"):
        await services.tips.filing.file(TipDraft("third"), CHAT)
    clock.advance(minutes=31)
    await services.tips.filing.file(TipDraft("fourth"), CHAT)
    assert [s.value for s in await rows(services, TipSecret)] == [secret.value]  # stable
    assert len(await rows(services, Tip)) == 2


async def test_the_digest_job_forgets_old_rate_marks(
    services: Services, clock: FrozenClock
) -> None:
    from scheduler.tip_jobs import tip_digest

    await services.tips.filing.file(TipDraft("one"), CHAT)
    await tip_digest(services)
    assert len(await rows(services, TipRateMark)) == 1
    clock.advance(minutes=61)
    await tip_digest(services)
    assert len(await rows(services, TipRateMark)) == 1  # kept a day for TIPS_PER_DAY
    clock.advance(hours=23)
    await tip_digest(services)
    assert await rows(services, TipRateMark) == []
    assert "last_tip_digest" in services.health


async def test_only_officers_triage_and_refusals_name_no_tip(services: Services) -> None:
    filed = await services.tips.filing.file(TipDraft("Porch pirate on Oak"), CHAT)
    [tip] = await rows(services, Tip)
    resident = Actor(555, None, False, None)
    attempts = [
        services.tips.triage.open_tips(resident),
        services.tips.triage.view(resident, filed.reference),
        services.tips.triage.claim(resident, tip.id),
        services.tips.triage.reply(resident, tip.id, "hi"),
        services.tips.triage.close(resident, tip.id, "resolved"),
        services.tips.triage.spam(resident, tip.id),
        services.tips.triage.reference_of(resident, tip.id),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            await attempt
    audit = [
        a
        for a in await rows(services, AuditEntry)
        if a.action not in ("officer.add", "officer.name")
    ]
    assert len(audit) == 1  # seven tries, one refusal line for the window
    assert {(a.action, a.target, a.outcome) for a in audit} == {("tip.triage", "tips", "refused")}
    cop = await officer(services)
    claimed, changed = await services.tips.triage.claim(cop, tip.id)
    assert changed and claimed.status == "in_review"
    assert (await services.tips.triage.claim(cop, tip.id))[1] is False
    with pytest.raises(InvalidInput):
        await services.tips.triage.close(cop, tip.id, "whatever")
    with pytest.raises(NotFound):
        await services.tips.triage.view(cop, "T-2026-00099")


async def test_forgetting_removes_relays_and_unnames_tips(services: Services) -> None:
    member_id = await add_member(services, 4242, "Kim Lee", "+12035550144")
    await services.tips.filing.file(TipDraft("anonymous"), CHAT)
    await services.tips.filing.file(TipDraft("named"), CHAT, named=True)
    await services.tips.filing.file(TipDraft("by text"), Source.sms("+12035550144"))
    await services.tips.filing.file(TipDraft("someone else"), Source.telegram(99, 99))
    assert len(await rows(services, TipRelay)) == 4
    kim = await services.access.actor(4242)
    assert await services.members.forget(kim)
    [left] = await rows(services, TipRelay)
    assert left.address == "99"
    tips = await rows(services, Tip)
    assert all(t.tipster_name is None and t.tipster_member_id is None for t in tips)
    assert member_id not in [t.tipster_member_id for t in tips]
    assert await services.tips.relay.forget("telegram", "99") == 1
    assert await rows(services, TipRelay) == []
    reply = await services.tips.triage.view(await officer(services), "T-2026-00001")
    assert not reply.reachable
    with pytest.raises(Conflict, match="can no longer be reached"):
        await services.tips.triage.reply(await officer(services), reply.tip.id, "Hello?")


async def test_texted_tips_are_named_only_for_one_member_who_chose(services: Services) -> None:
    phone = "+12035550155"
    # Someone who typed Ann's number and never confirmed it does not count as its holder.
    await add_member(services, 60, "Impostor", phone, verified=False)
    await services.tips.relay.set_sms_named(60, True)
    await add_member(services, 61, "Ann", phone)
    assert "(anonymously)" in await services.tips.relay.text_tip(phone, "TIP one")
    await services.tips.relay.set_sms_named(61, True)
    assert await services.tips.relay.sms_named(61) is True
    assert "(with your name)" in await services.tips.relay.text_tip(phone, "TIP two")
    await add_member(services, 62, "Ann's husband", phone)  # a shared number: no name
    assert "(anonymously)" in await services.tips.relay.text_tip(phone, "TIP three")
    with pytest.raises(NotFound):
        await services.tips.relay.set_sms_named(63, True)
    assert await services.tips.relay.sms_named(63) is None


async def test_digest_marks_tips_told_and_is_empty_when_none(services: Services) -> None:
    assert await services.tips.triage.digest() == 0
    await services.tips.filing.file(TipDraft("quiet one"), CHAT)
    await services.tips.filing.file(TipDraft("a man with a gun"), Source.telegram(7, 7))
    assert await services.tips.triage.digest() == 1  # the urgent one was told at once
    assert await services.tips.triage.digest() == 0
    assert all(t.notified_at is not None for t in await rows(services, Tip))
