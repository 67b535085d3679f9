"""Core services against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.clock import FrozenClock
from core.errors import Conflict, InvalidInput, NotFound, NotRegistered, PermissionDenied
from core.members import JoinOutcome
from core.services import Services
from storage.delivery.models import Delivery, Notification
from storage.members.models import Member
from tests.conftest import OFFICER_ID
from tests.support.members import officer, register
from tests.support.rows import audit_rows


async def test_registration_stores_e164_and_completes(services: Services) -> None:
    await services.members.consent(1, 1)
    member = await services.members.set_name(1, "  Ann   Lee ")
    assert member.display_name == "Ann Lee" and member.registered_at is None
    member = await services.members.set_shared_phone(1, "12035550142")  # shared contact, no '+'
    assert member.phone_e164 == "+12035550142"
    member = await services.members.set_location(1, 41.2, -73.1)
    assert member.registered_at is not None


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("name", "x" * 65, "64"),
        ("name", "   ", "at least one letter"),
        ("phone", "12345", "valid phone"),
        ("phone", "call me maybe", "valid phone"),
        ("address", "a" * 201, "200"),
        ("address", "12", "too short"),
    ],
)
async def test_registration_refuses_bad_values_and_stores_nothing(
    services: Services, field: str, value: str, fragment: str
) -> None:
    await services.members.consent(1, 1)
    setter = {
        "name": services.members.set_name,
        "phone": services.members.set_shared_phone,
        "address": services.members.set_address,
    }[field]
    with pytest.raises(InvalidInput, match=fragment):
        await setter(1, value)
    member = await services.members.by_telegram(1)
    assert member is not None
    assert (member.display_name, member.phone_e164, member.address) == (None, None, None)


async def test_unconsented_user_cannot_set_details(services: Services) -> None:
    with pytest.raises(NotRegistered):
        await services.members.set_name(5, "Bob")
    assert await services.members.by_telegram(5) is None


async def test_create_group_is_officer_only_and_audited(services: Services) -> None:
    await register(services, 2, "Res")
    resident = await services.access.actor(2)
    with pytest.raises(PermissionDenied):
        await services.groups.create(resident, name="Elm", code="ELM", area="Elm St")
    group = await services.groups.create(
        await officer(services), name="Oak Park", code="oak1", area="Oak St"
    )
    assert group.code == "OAK1"
    rows = await audit_rows(services)
    assert [(r.action, r.outcome) for r in rows][-2:] == [
        ("group.create", "refused"),
        ("group.create", "ok"),
    ]
    assert rows[-2].actor_telegram_id == 2 and "Res" in rows[-2].actor_label


async def test_group_names_and_codes_are_unique(services: Services) -> None:
    boss = await officer(services)
    await services.groups.create(boss, name="Oak Park", code="OAK", area="Oak St")
    with pytest.raises(Conflict):
        await services.groups.create(boss, name="oak park", code="OAK2", area="x")
    with pytest.raises(Conflict):
        await services.groups.create(boss, name="Other", code="oak", area="x")
    derived = await services.groups.create(boss, name="Oak!", code=None, area="x")
    assert derived.code == "OAK2"  # OAK is taken
    again = await services.groups.create(boss, name="OAK?", code=None, area="x")
    assert again.code == "OAK3"


async def test_join_open_and_approval_groups(services: Services) -> None:
    boss = await officer(services)
    open_group = await services.groups.create(boss, name="Open", code="OPEN", area="a")
    closed = await services.groups.create(
        boss, name="Closed", code="SHUT", area="a", approval_required=True
    )
    await register(services, 10, "Lead")
    await register(services, 11, "Ann")
    with pytest.raises(NotRegistered):
        await services.groups.join(12, "OPEN")
    assert (await services.groups.join(11, "open"))[1] is JoinOutcome.JOINED
    with pytest.raises(Conflict, match="already a member"):
        await services.groups.join(11, "OPEN")
    with pytest.raises(NotFound, match="NOPE"):
        await services.groups.join(11, "nope")

    await services.groups.join(10, "SHUT")
    await services.groups.decide(
        boss, (await services.groups.pending(boss, "SHUT"))[1][0][1].id, True
    )
    await services.groups.set_leader(boss, "SHUT", (await services.members.by_telegram(10)).id)  # type: ignore[union-attr]
    assert (await services.groups.join(11, "SHUT"))[1] is JoinOutcome.PENDING
    with pytest.raises(Conflict, match="already asked"):
        await services.groups.join(11, "SHUT")

    leader = await services.access.actor(10)
    group, pending = await services.groups.pending(leader)
    assert group.id == closed.id and [m.display_name for m, _ in pending] == ["Ann"]
    # A leader cannot review another group's requests.
    with pytest.raises(PermissionDenied):
        await services.groups.pending(leader, "OPEN")
    await services.groups.decide(leader, pending[0][1].id, approve=True)
    with pytest.raises(NotFound, match="already handled"):
        await services.groups.decide(leader, pending[0][1].id, approve=True)
    _, roster = await services.groups.roster(leader)
    assert sorted(m.display_name for m, _ in roster) == ["Ann", "Lead"]
    assert open_group.id != closed.id


async def test_approval_and_roles_notify_through_the_outbox(services: Services) -> None:
    boss = await officer(services)
    await services.groups.create(boss, name="Closed", code="SHUT", area="a", approval_required=True)
    await register(services, 11, "Ann")
    await services.groups.join(11, "SHUT")
    _, pending = await services.groups.pending(boss, "SHUT")
    await services.groups.decide(boss, pending[0][1].id, approve=True)
    await services.groups.set_leader(boss, "SHUT", pending[0][0].id)
    async with services.db.transaction() as session:
        kinds = list(await session.scalars(select(Notification.kind).order_by(Notification.id)))
        deliveries = list(await session.scalars(select(Delivery)))
    # The group had no leader: the officers heard of the request ("review").
    assert kinds == ["review", "membership", "role"]
    assert {(d.channel, d.status) for d in deliveries} == {("telegram", "queued")}


async def test_set_leader_rules(services: Services) -> None:
    boss = await officer(services)
    await services.groups.create(boss, name="One", code="ONE", area="a")
    await services.groups.create(boss, name="Two", code="TWO", area="a")
    await register(services, 20, "Kim")
    await register(services, 21, "Lou")
    kim = await services.members.by_telegram(20)
    assert kim is not None
    with pytest.raises(NotFound, match="not an active member"):
        await services.groups.set_leader(boss, "ONE", kim.id)
    await services.groups.join(20, "ONE")
    await services.groups.join(20, "TWO")
    change = await services.groups.set_leader(boss, "ONE", kim.id)
    assert change.group.leader_member_id == kim.id and change.previous_leader is None
    with pytest.raises(Conflict, match="one group at a time"):
        await services.groups.set_leader(boss, "TWO", kim.id)
    resident = await services.access.actor(21)
    with pytest.raises(PermissionDenied):
        await services.groups.set_leader(resident, "ONE", None)
    removed = await services.groups.set_leader(boss, "ONE", None)
    assert removed.group.leader_member_id is None and removed.previous_leader == kim
    with pytest.raises(Conflict, match="no leader"):
        await services.groups.set_leader(boss, "ONE", None)


async def test_leader_leaving_vacates_the_role(services: Services) -> None:
    boss = await officer(services)
    await services.groups.create(boss, name="One", code="ONE", area="a")
    await register(services, 20, "Kim")
    await services.groups.join(20, "ONE")
    kim = await services.members.by_telegram(20)
    assert kim is not None
    await services.groups.set_leader(boss, "ONE", kim.id)
    await services.groups.leave(20, "ONE")
    assert (await services.groups.by_code("ONE")).leader_member_id is None
    assert (await services.access.actor(20)).leads is None
    with pytest.raises(NotFound):
        await services.groups.leave(20, "ONE")


async def test_forget_deletes_personal_data_and_scrubs_audit(services: Services) -> None:
    boss = await officer(services)
    await services.groups.create(boss, name="One", code="ONE", area="a")
    await register(services, 30, "Zed Secret", phone="203-555-0199")
    await services.groups.join(30, "ONE")
    zed = await services.members.by_telegram(30)
    assert zed is not None
    await services.groups.set_leader(boss, "ONE", zed.id)
    with pytest.raises(PermissionDenied):  # leaves a refusal with Zed's name in the audit log
        await services.groups.create(
            await services.access.actor(30), name="X", code="XXX", area="a"
        )
    assert await services.members.forget(await services.access.actor(30))
    assert await services.members.by_telegram(30) is None
    assert (await services.groups.by_code("ONE")).leader_member_id is None
    async with services.db.transaction() as session:
        assert await session.scalar(select(Member).where(Member.telegram_user_id == 30)) is None
    for row in await audit_rows(services):
        assert "Zed" not in row.actor_label and row.actor_telegram_id != 30
        assert "555" not in row.detail + row.target + row.actor_label
    assert not await services.members.forget(await services.access.actor(30))


async def test_officer_seed_is_idempotent_and_audited(services: Services) -> None:
    assert await services.officers.seed([OFFICER_ID, 77]) == [77]
    assert {o.telegram_user_id for o in await services.officers.all()} == {OFFICER_ID, 77}
    assert (await services.access.actor(77)).is_officer
    resident = await services.access.actor(5)
    with pytest.raises(PermissionDenied):
        await services.officers.add(resident, 5)
    assert not (await services.access.actor(5)).is_officer


async def test_the_registries_run_in_their_documented_order(services: Services) -> None:
    """/forget erases tips, vacation watch, meetings' chat answers, environment reports,
    surveys, property registers, talk requests, victim follow-ups, then election traces; each
    tick publishes news, then the patrol list, then the weekly meeting list (the order the
    calendar always had)."""
    assert list(services.due.tick_steps[i].__qualname__ for i in range(3)) == [
        "NewsService._publish_tick",
        "VacationService._patrol_list_tick",
        "MeetingService._weekly_list_tick",
    ]
    erasers = services.members.erasure.erasers
    assert list(erasers) == [
        "tips",
        "vacation",
        "meetings",
        "cpted",
        "surveys",
        "property",
        "talks",
        "victims",
        "checkins",
        "elections",
    ]


async def test_a_repeated_refusal_is_audited_once_per_window(
    services: Services, clock: FrozenClock
) -> None:
    """Pressing a forbidden button over and over writes one refusal, not a thousand; a new
    window, or another action, is written again."""
    await register(services, 60, "Mallory")
    resident = await services.access.actor(60)
    for _ in range(5):
        with pytest.raises(PermissionDenied):
            await services.groups.create(resident, name="Elm", code="ELM", area="Elm St")
    assert [r.action for r in await audit_rows(services) if r.outcome == "refused"] == [
        "group.create"
    ]
    clock.advance(minutes=11)
    with pytest.raises(PermissionDenied):
        await services.groups.create(resident, name="Elm", code="ELM", area="Elm St")
    refused = [r for r in await audit_rows(services) if r.outcome == "refused"]
    assert len(refused) == 2
