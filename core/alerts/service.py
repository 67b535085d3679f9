"""Officer alerts and leader broadcasts: audience, preview, sending, scheduling, cancelling.

A preview counts recipients per channel and estimates the time to deliver under the channels'
rate limits, so an officer knows what Send will do before pressing it. Sending writes the
notification and every delivery in one transaction, with the audit line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from core.delivery import (
    CATEGORIES,
    SMS,
    TELEGRAM,
    Message,
    quiet_until,
    segments,
    sms_rendering,
)
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.flows import Claim, take_in
from core.markup import esc, strip_controls
from core.permissions import Action, Actor
from core.shared import SharedService
from storage.delivery.repositories import OutboxRepository
from storage.members.records import GroupRecord, MemberRecord
from storage.members.repositories import GroupRepository, MemberRepository

ALERT_MAX = 1000


class AudienceKind(StrEnum):
    """Who an alert is for."""

    EVERYONE = "everyone"
    GROUPS = "groups"
    CATEGORY = "category"


@dataclass(frozen=True, slots=True)
class Audience:
    """Everyone, some groups (by code), or a category's subscribers."""

    kind: AudienceKind
    group_codes: tuple[str, ...] = ()
    category: str | None = None

    def describe(self, groups: list[GroupRecord] | None = None) -> str:
        """'everyone', 'Oak Park, Elm Street', 'subscribers of Scams'."""
        if self.kind is AudienceKind.EVERYONE:
            return "everyone"
        if self.kind is AudienceKind.CATEGORY:
            return f"subscribers of {CATEGORIES.get(self.category or '', self.category)}"
        if groups:
            return ", ".join(g.name for g in groups)
        return ", ".join(self.group_codes)


def parse_audience(token: str) -> Audience:
    """'all' / 'everyone', 'CODE[,CODE]', or 'category:scam' from the one-line /alert form."""
    lowered = token.strip().lower()
    if lowered in ("all", "everyone"):
        return Audience(AudienceKind.EVERYONE)
    if lowered.startswith(("category:", "cat:")):
        category = lowered.split(":", 1)[1]
        if category not in CATEGORIES:
            raise InvalidInput(
                "Unknown category. Choose one of: " + ", ".join(sorted(CATEGORIES)) + "."
            )
        return Audience(AudienceKind.CATEGORY, category=category)
    codes = tuple(dict.fromkeys(c.strip().upper() for c in token.split(",") if c.strip()))
    if not codes:
        raise InvalidInput("Name the audience: all, group codes like OAK,ELM, or category:scam.")
    return Audience(AudienceKind.GROUPS, group_codes=codes)


def clean_alert_text(text: str) -> str:
    """1-1000 characters, trimmed, without invisible controls."""
    body = strip_controls(text).strip()
    if not body:
        raise InvalidInput("The message is empty. Please write what people should know.")
    if len(body) > ALERT_MAX:
        raise InvalidInput(
            f"The message is {len(body)} characters long; the limit is {ALERT_MAX}. "
            "Please shorten it."
        )
    return body


@dataclass(frozen=True, slots=True)
class Draft:
    """An alert or broadcast being composed."""

    kind: str  # "alert", "scam" or "broadcast"
    audience: Audience
    text: str
    urgency: str = "normal"
    category: str | None = None
    send_at: datetime | None = None
    # A line of local figures the officer chose to add below the text (the bot face asks
    # crime data for it; alerts only carry it).
    facts: str | None = None


def with_facts(draft: Draft, line: str | None) -> Draft:
    """The draft carrying a line of local figures below its text, or (None) without one;
    InvalidInput when text and line together would pass the alert's limit."""
    if line is not None:
        length = len(draft.text) + 2 + len(line)
        if length > ALERT_MAX:
            raise InvalidInput(
                f"With the local numbers the alert would be {length} characters long; the "
                f"limit is {ALERT_MAX}. Shorten the text (send /alert again) to add them."
            )
    return replace(draft, facts=line)


@dataclass(frozen=True, slots=True)
class Preview:
    """What sending a draft would do."""

    audience_label: str
    recipients: int
    per_channel: dict[str, int]
    skipped: dict[str, int]
    eta_seconds: float
    waiting_for_quiet_hours: int = 0
    groups: list[GroupRecord] = field(default_factory=list)


SCAM_FOOTER = (
    "Police will never ask for gift cards, wire transfers or passwords. Hang up and call us if "
    "in doubt."
)


class AlertService(SharedService):
    """Composes, previews, sends, schedules and cancels alerts and broadcasts."""

    # Who may

    async def authorize(self, actor: Actor, draft: Draft) -> None:
        """Officers may alert anyone; a leader may broadcast to their own group only."""
        if draft.kind == "broadcast":
            if actor.leads is None and not actor.is_officer:
                await self.audit.record(
                    actor, "broadcast.send", outcome="refused", detail="not a group leader"
                )
                raise PermissionDenied("Only a group's leader can broadcast to the group.")
            codes = set(draft.audience.group_codes)
            own = {actor.leads.code} if actor.leads else set()
            if draft.audience.kind is not AudienceKind.GROUPS or not codes <= own:
                await self.audit.record(
                    actor,
                    "broadcast.send",
                    outcome="refused",
                    target=",".join(sorted(codes))[:200],
                    detail="leaders reach their own group only",
                )
                raise PermissionDenied("A leader can broadcast to their own group only.")
            if not actor.is_officer and (draft.urgency != "normal" or draft.send_at is not None):
                # The preview offers neither, but button data can be made by hand: an urgent
                # broadcast would ignore every neighbor's quiet hours.
                await self.audit.record(
                    actor,
                    "broadcast.send",
                    outcome="refused",
                    target=",".join(sorted(codes))[:200],
                    detail="urgent or scheduled broadcasts are for officers",
                )
                raise PermissionDenied(
                    "A leader's broadcast goes out now and respects quiet hours; for anything "
                    "urgent, call the Crime Prevention Unit (or 911 in an emergency)."
                )
            return
        await self.access.require(actor, Action.SEND_ALERT, target=draft.audience.describe())

    # Composing

    async def draft(
        self,
        actor: Actor,
        *,
        kind: str,
        audience: Audience,
        text: str,
        urgency: str = "normal",
        category: str | None = None,
        send_at: datetime | None = None,
    ) -> Draft:
        """Check a draft: permission, text, audience, schedule."""
        if kind == "scam":
            category = "scam"
        if category is not None and category not in CATEGORIES:
            raise InvalidInput("Unknown category.")
        if urgency not in ("normal", "urgent"):
            raise InvalidInput("Urgency is urgent or normal.")
        draft = Draft(kind, audience, clean_alert_text(text), urgency, category, send_at)
        await self.authorize(actor, draft)
        if send_at is not None and send_at <= self.clock.now():
            raise InvalidInput("That time has passed. Please choose a time in the future.")
        if send_at is not None and send_at > self.clock.now() + timedelta(days=60):
            raise InvalidInput("Alerts can be scheduled at most 60 days ahead.")
        async with self.db.transaction() as session:
            await self._groups(session, draft.audience)
        return draft

    async def for_leader(self, actor: Actor, text: str) -> Draft:
        """A leader's broadcast to their own group."""
        if actor.leads is None:
            await self.audit.record(
                actor, "broadcast.send", outcome="refused", detail="not a group leader"
            )
            raise PermissionDenied("Only a group's leader can broadcast to the group.")
        await self._check_broadcast_quota(actor.leads)
        return await self.draft(
            actor,
            kind="broadcast",
            audience=Audience(AudienceKind.GROUPS, group_codes=(actor.leads.code,)),
            text=text,
        )

    async def _check_broadcast_quota(self, group: GroupRecord) -> None:
        limit = self.settings.leader_broadcasts_per_day
        zone = self.settings.zone
        local_midnight = datetime.combine(
            self.clock.now().astimezone(zone).date(), time(0), tzinfo=zone
        )
        async with self.db.transaction() as session:
            sent_today = await OutboxRepository(session).broadcasts_since(group.id, local_midnight)
        if sent_today >= limit:
            raise Conflict(
                f"{group.name} has had {limit} broadcasts today, the daily limit that spares "
                "neighbors alert fatigue. Please try again tomorrow, or ask an officer for "
                "anything urgent."
            )

    async def _groups(self, session: AsyncSession, audience: Audience) -> list[GroupRecord]:
        if audience.kind is not AudienceKind.GROUPS:
            return []
        repo = GroupRepository(session)
        found = []
        for code in audience.group_codes:
            group = await repo.by_code(code)
            if group is None:
                raise NotFound(
                    f"No watch group has the code {code}. See /groups, or /partners for "
                    "partner groups."
                )
            found.append(group)
        return found

    async def _recipients(self, session: AsyncSession, draft: Draft) -> list[MemberRecord]:
        group_ids = None
        if draft.audience.kind is AudienceKind.GROUPS:
            group_ids = [g.id for g in await self._groups(session, draft.audience)]
        wanted = draft.category or (
            draft.audience.category if draft.audience.kind is AudienceKind.CATEGORY else None
        )
        return await MemberRepository(session).registered(group_ids=group_ids, category=wanted)

    # Previewing

    @staticmethod
    def signature(actor: Actor, draft: Draft) -> str:
        """How a message is signed: an officer's name and unit, a leader's name."""
        name = actor.member.display_name if actor.member else None
        if actor.is_officer and draft.kind != "broadcast":
            return f"{name}, Crime Prevention Unit" if name else "Crime Prevention Unit"
        return name or ""

    async def preview(self, draft: Draft, author: str = "") -> Preview:
        """Recipients per channel and the estimated time to deliver (for the text as it will
        be sent, signed by `author`)."""
        async with self.db.transaction() as session:
            groups = await self._groups(session, draft.audience)
            members = await self._recipients(session, draft)
        per_channel = {TELEGRAM: 0, SMS: 0}
        skipped: dict[str, int] = {}
        waiting = 0
        start = draft.send_at or self.clock.now()
        for member in members:
            for channel, reason in self.outbox.plan(member).routes:
                if reason:
                    skipped[reason] = skipped.get(reason, 0) + 1
                else:
                    per_channel[channel] += 1
            if draft.urgency != "urgent" and quiet_until(member, start, self.settings.zone):
                waiting += 1
        return Preview(
            audience_label=draft.audience.describe(groups),
            recipients=len(members),
            per_channel=per_channel,
            skipped=skipped,
            eta_seconds=self.eta(per_channel, self._sms_body(draft, author)),
            waiting_for_quiet_hours=waiting,
            groups=groups,
        )

    def eta(self, per_channel: dict[str, int], sms_body: str) -> float:
        """Seconds to deliver under the rate limits; channels send side by side."""
        telegram = per_channel.get(TELEGRAM, 0) / self.settings.telegram_max_per_second
        sms_segments = per_channel.get(SMS, 0) * segments(sms_body)
        sms = sms_segments / self.settings.sms_segments_per_second
        return math.ceil(max(telegram, sms) * 10) / 10

    def _sms_body(self, draft: Draft, author: str) -> str:
        return sms_rendering(self.settings.service_name, self.render(draft, author).text)

    # Rendering

    def render(self, draft: Draft, author: str) -> Message:
        """The message in HTML (user text escaped) and plain text."""
        body = f"{draft.text}\n\n{draft.facts}" if draft.facts else draft.text
        text = esc(body)
        by = f"\n\n— {esc(author)}" if author else ""
        signed = f"{body}\n— {author}" if author else body  # SMS: signed as well
        if draft.kind == "broadcast":
            group = draft.audience.group_codes[0] if draft.audience.group_codes else ""
            return Message(
                html=f"📣 <b>Message from your watch group leader</b> ({esc(group)})\n\n{text}{by}",
                text=f"Watch group {group}: {signed}",
            )
        if draft.kind == "scam":
            return Message(
                html=f"⚠️ <b>Scam alert</b>\n\n{text}{by}\n\n<i>{SCAM_FOOTER}</i>",
                text=f"SCAM ALERT: {signed}\n{SCAM_FOOTER}",
            )
        if draft.urgency == "urgent":
            return Message(
                html=f"🚨 <b>URGENT police alert</b>\n\n{text}{by}", text=f"URGENT: {signed}"
            )
        return Message(html=f"🔔 <b>Police alert</b>\n\n{text}{by}", text=signed)

    # Sending

    async def send(
        self, actor: Actor, draft: Draft, *, claim: Claim | None = None
    ) -> tuple[int, int]:
        """Queue the draft for delivery; returns (notification id, deliveries to send). With a
        claim, the preview's stored step is taken in the same transaction, so a second press
        (or an older preview's) sends nothing (AlreadyDone)."""
        await self.authorize(actor, draft)
        if draft.kind == "broadcast" and actor.leads is not None:
            await self._check_broadcast_quota(actor.leads)
        author = self.signature(actor, draft)
        async with self.db.transaction() as session:
            await take_in(session, claim)
            groups = await self._groups(session, draft.audience)
            members = await self._recipients(session, draft)
            notification_id = await self.outbox.enqueue_in(
                session,
                kind=draft.kind,
                message=self.render(draft, author),
                recipients=members,
                urgency=draft.urgency,
                category=draft.category,
                author_label=actor.label,
                author_member_id=actor.member.id if actor.member else None,
                group_id=groups[0].id if len(groups) == 1 else None,
                audience=draft.audience.describe(groups)[:200],
                send_at=draft.send_at,
            )
            counts = await OutboxRepository(session).counts(notification_id)
            queued = sum(n for (_, status), n in counts.items() if status == "queued")
            await self.audit.record_in(
                session,
                actor,
                f"{draft.kind}.send",
                target=f"notification #{notification_id}",
                detail=f"{draft.urgency}; to {draft.audience.describe(groups)}; "
                f"{len(members)} recipients"
                + (f"; scheduled {draft.send_at.isoformat()}" if draft.send_at else ""),
            )
        return notification_id, queued

    async def cancel(self, actor: Actor, notification_id: int) -> int:
        """Cancel what has not gone out of a scheduled or ongoing alert; returns how many."""
        async with self.db.transaction() as session:
            row = await OutboxRepository(session).notification(notification_id, None)
            author = row.author_member_id if row else None
        if row is None:
            raise NotFound(f"There is no notification #{notification_id}.")
        own = actor.member is not None and author == actor.member.id
        if not (actor.is_officer or own):
            # Audited in its own transaction, after the read above has ended (SQLite allows
            # one writer; nesting would wait on ourselves).
            await self.audit.record(
                actor,
                "notification.cancel",
                outcome="refused",
                target=f"notification #{notification_id}",
            )
            raise PermissionDenied("Only its author or an officer can cancel it.")
        async with self.db.transaction() as session:
            now = self.clock.now()
            cancelled = await OutboxRepository(session).cancel_queued(
                notification_id, f"cancelled by {actor.label}", now
            )
            await self.audit.record_in(
                session,
                actor,
                "notification.cancel",
                target=f"notification #{notification_id}",
                detail=f"{cancelled} deliveries cancelled",
            )
        return cancelled
