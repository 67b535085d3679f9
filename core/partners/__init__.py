"""Partner groups: the business owners, civic groups, private security, school officials and
other agencies the Crime Prevention Unit works with. Each is a group of its own kind: people
join it only by its invitation code (the link officers hand out), it has no leader and elects
none, and officers run its meetings and broadcasts (/meeting CODE, /alert CODE) as for any
group. It never appears in residents' lists, and its members see nothing of residents' data.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import InvalidInput
from core.members import GroupService, GroupSummary
from core.permissions import Action, Actor
from core.shared import Shared, SharedService
from storage.members.records import GroupRecord

__all__ = ["SECTORS", "PartnerGroups", "PartnerView", "sector_label"]

# The partners the department's policy names, in its order.
SECTORS = {
    "business": "Business owners",
    "civic": "Civic group",
    "security": "Private security",
    "school": "School officials",
    "agency": "Other agency",
}


@dataclass(frozen=True, slots=True)
class PartnerView:
    """A partner group as officers see it in /partners."""

    group: GroupRecord
    sector: str  # its label
    active_members: int


def sector_label(key: str | None) -> str:
    """A sector's label ("Private security"), or "Partner" for one not known."""
    return SECTORS.get(key or "", "Partner")


class PartnerGroups(SharedService):
    """Creating partner groups, listing them and renewing their invitation codes (officers)."""

    def __init__(self, shared: Shared, groups: GroupService) -> None:
        super().__init__(shared)
        self.groups = groups

    async def create(self, actor: Actor, sector: str, name: str) -> GroupRecord:
        """A new partner group of a sector, with its invitation code."""
        await self.access.require(actor, Action.CREATE_GROUP, target="partner group")
        if sector not in SECTORS:
            raise InvalidInput("Please choose who the group is for with one of the buttons.")
        return await self.groups.create(
            actor, name=name, code=None, area=SECTORS[sector], sector=sector
        )

    async def all(self, actor: Actor) -> list[PartnerView]:
        """Every partner group, by name (officers only)."""
        await self.access.require(actor, Action.CREATE_GROUP, target="partner groups")
        summaries: list[GroupSummary] = await self.groups.summaries("partner")
        return [
            PartnerView(s.group, sector_label(s.group.sector), s.active_members) for s in summaries
        ]

    async def new_invite(self, actor: Actor, code: str, replacing: str) -> GroupRecord:
        """A new invitation code for a partner group in place of `replacing`, which stops
        working (once, however often the confirm is pressed)."""
        return await self.groups.new_invite(actor, code, replacing)
