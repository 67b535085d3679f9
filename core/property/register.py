"""A member's private register: their Operation ID number, adding, editing, listing and
deleting items, the exports, and reporting items stolen (a tip for officers, through the tips
feature's face).

Only the owner reads their register: every call names the Telegram user acting, and an item
id that is not theirs (a button made by hand) is refused and audited by id. Nothing here
logs or audits what an item is; audit lines name ids and tip references only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from core.erasure import Erased
from core.errors import Conflict, InvalidInput, NotFound, NotRegistered, PermissionDenied
from core.flows import Claim, take_in
from core.property import messages
from core.property.rules import (
    ITEMS_MAX,
    PHOTOS_MAX,
    STOLEN_MAX,
    TEXT_LIMITS,
    ItemDraft,
    checked,
    clean_field,
    clean_notes,
    operation_id,
    parse_value,
)
from core.shared import Shared, SharedService
from core.tips import Filed, Source, TipDraft, Tips
from storage.members.records import MemberRecord
from storage.members.repositories import MemberRepository
from storage.property.records import ItemRecord
from storage.property.repositories import PropertyRepository

NOT_REGISTERED = (
    "Please finish registering first (send /start), then /property keeps your register."
)
NOT_YOURS = "That item is not in your register."
GONE = "That item is no longer in your register (it may have been deleted)."
TIP_CATEGORY = "theft"


@dataclass(frozen=True, slots=True)
class Register:
    """A member's register as they see it: their Operation ID number and their items."""

    number: str
    items: list[ItemRecord]


async def erase_member_in(session: AsyncSession, erased: Erased) -> None:
    """/forget: the member's register, its photos and their Operation ID number."""
    await PropertyRepository(session).delete_for_member(erased.member_id)


class PropertyRegister(SharedService):
    """Members' registers."""

    def __init__(self, shared: Shared, tips: Tips) -> None:
        super().__init__(shared)
        self.tips = tips

    # Who is asking

    async def _member_in(self, session: AsyncSession, telegram_user_id: int) -> MemberRecord:
        member = await MemberRepository(session).by_telegram_user(telegram_user_id)
        if member is None or not member.is_registered:
            raise NotRegistered(NOT_REGISTERED)
        return member

    def _number(self, number: int) -> str:
        return operation_id(self.settings.operation_id_prefix, number)

    async def _register_in(self, session: AsyncSession, member: MemberRecord) -> Register:
        repo = PropertyRepository(session)
        number = await repo.issue_number(member.id, self.clock.now())
        return Register(self._number(number), await repo.for_member(member.id))

    async def _refuse(self, telegram_user_id: int, item_id: int, action: str) -> None:
        """Audit a refusal of someone else's item (by id only), then raise."""
        actor = await self.access.actor(telegram_user_id)
        await self.audit.record(
            actor, action, target=f"item #{item_id}", outcome="refused", detail="not the owner"
        )
        raise PermissionDenied(NOT_YOURS)

    async def _owned_in(
        self, session: AsyncSession, member: MemberRecord, item_id: int
    ) -> ItemRecord | None:
        """The member's item; None when it belongs to someone else; NotFound when gone."""
        item = await PropertyRepository(session).get(item_id)
        if item is None:
            raise NotFound(GONE)
        return item if item.member_id == member.id else None

    async def _check_owner(self, telegram_user_id: int, item_id: int, action: str) -> None:
        async with self.db.transaction() as session:
            member = await self._member_in(session, telegram_user_id)
            mine = await self._owned_in(session, member, item_id)
        if mine is None:
            await self._refuse(telegram_user_id, item_id, action)

    # Reading

    async def register(self, telegram_user_id: int) -> Register:
        """The member's register (their Operation ID number is issued on first use)."""
        async with self.db.transaction() as session:
            member = await self._member_in(session, telegram_user_id)
            return await self._register_in(session, member)

    async def number(self, telegram_user_id: int) -> str:
        """The member's Operation ID number (issued on first use)."""
        return (await self.register(telegram_user_id)).number

    async def item(self, telegram_user_id: int, item_id: int) -> tuple[int, ItemRecord]:
        """One of the member's items and its position in their register."""
        await self._check_owner(telegram_user_id, item_id, "property.view")
        register = await self.register(telegram_user_id)
        for position, item in enumerate(register.items, start=1):
            if item.id == item_id:
                return position, item
        raise NotFound(GONE)

    async def count(self, telegram_user_id: int) -> int:
        """How many items the member's register holds (0 for someone not registered)."""
        async with self.db.transaction() as session:
            member = await MemberRepository(session).by_telegram_user(telegram_user_id)
            if member is None:
                return 0
            return await PropertyRepository(session).count_for_member(member.id)

    # Changing

    async def add(
        self, telegram_user_id: int, draft: ItemDraft, *, claim: Claim | None = None
    ) -> tuple[int, ItemRecord]:
        """Store an item; with `claim`, the review step it was saved from is taken in the
        same transaction (a second press stores nothing). Returns its position and record."""
        item = checked(draft)
        async with self.db.transaction() as session:
            await take_in(session, claim)
            member = await self._member_in(session, telegram_user_id)
            repo = PropertyRepository(session)
            count = await repo.count_for_member(member.id)
            if count >= ITEMS_MAX:
                raise Conflict(
                    f"Your register already holds {ITEMS_MAX} items, the most it keeps. Delete "
                    "one you no longer have (/property) to add another."
                )
            await repo.issue_number(member.id, self.clock.now())
            stored = await repo.add(
                member_id=member.id,
                now=self.clock.now(),
                photos=item.photos,
                item=item.item,
                make=item.make,
                model=item.model,
                serial=item.serial,
                marking=item.marking,
                value_cents=item.value_cents,
                notes=item.notes,
            )
            return count + 1, stored

    async def update(
        self, telegram_user_id: int, item_id: int, field: str, text: str | None
    ) -> ItemRecord:
        """Change one field of one of the member's items from what they typed (None clears
        it; the item's name cannot be cleared)."""
        value: str | int | None
        if field in TEXT_LIMITS:
            value = clean_field(field, text)
            column = field
        elif field == "value":
            value = None if text is None else parse_value(text)
            column = "value_cents"
        elif field == "notes":
            value = clean_notes(text)
            column = "notes"
        else:
            raise InvalidInput("That field cannot be changed here.")
        await self._check_owner(telegram_user_id, item_id, "property.edit")
        async with self.db.transaction() as session:
            member = await self._member_in(session, telegram_user_id)
            repo = PropertyRepository(session)
            if not await repo.update(item_id, member.id, self.clock.now(), **{column: value}):
                raise NotFound(GONE)
            item = await repo.get(item_id)
        assert item is not None
        return item

    async def add_photo(self, telegram_user_id: int, item_id: int, file_id: str) -> int:
        """Attach a photo to one of the member's items; returns how many it has."""
        await self._check_owner(telegram_user_id, item_id, "property.edit")
        async with self.db.transaction() as session:
            member = await self._member_in(session, telegram_user_id)
            item = await self._owned_in(session, member, item_id)
            assert item is not None
            if len(item.photos) >= PHOTOS_MAX:
                raise Conflict(
                    f"{item.item} already has {PHOTOS_MAX} photos, the most an item keeps; "
                    "this one was not added. Press Done, or Remove photos first."
                )
            await PropertyRepository(session).add_photo(item_id, file_id[:200], self.clock.now())
            return len(item.photos) + 1

    async def remove_photos(self, telegram_user_id: int, item_id: int) -> int:
        """Remove every photo of one of the member's items; returns how many went."""
        await self._check_owner(telegram_user_id, item_id, "property.edit")
        async with self.db.transaction() as session:
            return await PropertyRepository(session).remove_photos(item_id)

    async def delete(self, telegram_user_id: int, item_id: int) -> str:
        """Delete one of the member's items; returns its name."""
        await self._check_owner(telegram_user_id, item_id, "property.delete")
        async with self.db.transaction() as session:
            member = await self._member_in(session, telegram_user_id)
            repo = PropertyRepository(session)
            item = await repo.get(item_id)
            if item is None or not await repo.delete_one(item_id, member.id):
                raise NotFound(GONE)
            return item.item

    async def forget(self, telegram_user_id: int) -> int:
        """Delete the member's whole register; returns how many items went."""
        async with self.db.transaction() as session:
            member = await self._member_in(session, telegram_user_id)
            return await PropertyRepository(session).delete_for_member(member.id)

    # Exports

    async def export_csv(self, telegram_user_id: int) -> tuple[str, bytes]:
        """The register as a CSV file: (file name, content)."""
        register = await self.register(telegram_user_id)
        name = f"property-{register.number}.csv"
        return name, messages.register_csv(register.items, self.settings.zone)

    async def export_pdf(self, telegram_user_id: int) -> tuple[str, bytes]:
        """The register as a PDF file: (file name, content)."""
        register = await self.register(telegram_user_id)
        content = messages.register_pdf(
            register.items,
            register.number,
            self.settings.service_name,
            self.clock.now(),
            self.settings.zone,
        )
        return f"property-{register.number}.pdf", content

    # Stolen

    async def can_pick(self, telegram_user_id: int, item_id: int) -> ItemRecord:
        """An item the member may report stolen (theirs, not yet reported)."""
        _position, item = await self.item(telegram_user_id, item_id)
        if item.stolen:
            raise Conflict(f"{item.item} was already reported stolen ({item.tip_reference}).")
        return item

    async def stolen_text(self, telegram_user_id: int, item_ids: list[int]) -> str:
        """The tip a stolen report of these items files, as officers will read it."""
        if not item_ids:
            raise InvalidInput("Pick at least one item with the buttons.")
        if len(item_ids) > STOLEN_MAX:
            raise InvalidInput(
                f"One report lists at most {STOLEN_MAX} items. Please pick fewer; you can "
                "report the rest with /stolen again."
            )
        for item_id in item_ids:
            await self.can_pick(telegram_user_id, item_id)
        register = await self.register(telegram_user_id)
        picked = set(item_ids)
        lines = [
            messages.tip_line(position, item)
            for position, item in enumerate(register.items, start=1)
            if item.id in picked
        ]
        return messages.stolen_tip_text(register.number, lines)

    async def report_stolen(
        self, telegram_user_id: int, chat_id: int, item_ids: list[int], *, claim: Claim | None
    ) -> Filed:
        """File a tip for officers listing these items (named: an owner wants them back) and
        mark them stolen, in one transaction; the report's confirm step is taken in it too."""
        text = await self.stolen_text(telegram_user_id, item_ids)
        register = await self.register(telegram_user_id)
        photos = tuple(p for item in register.items if item.id in item_ids for p in item.photos)
        draft = TipDraft(text=text, category=TIP_CATEGORY, photos=photos[:5])
        async with self.db.transaction() as session:
            member = await self._member_in(session, telegram_user_id)
            filed = await self.tips.filing.file_in(
                session,
                draft,
                Source.telegram(chat_id, telegram_user_id),
                named=True,
                claim=claim,
            )
            marked = await PropertyRepository(session).mark_stolen(
                item_ids, member.id, self.clock.now(), filed.reference
            )
            if marked != len(item_ids):  # reported meanwhile, from another message
                raise Conflict("Some of these items were reported stolen meanwhile.")
            actor = await self.access.actor_in(session, telegram_user_id)
            await self.audit.record_in(
                session, actor, "property.stolen", target=filed.reference, detail=f"{marked} items"
            )
        return filed
