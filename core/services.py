"""The services container: what the faces and the scheduler are handed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.access import AccessService
from core.audit import AuditService
from core.clock import Clock, SystemClock
from core.delivery import DeliveryWorker
from core.flows import FlowService
from core.groups import GroupService
from core.members import MemberService
from core.officers import OfficerService
from core.outbox import Outbox
from core.settings import Settings
from notifiers.base import Notifier
from storage.engine import Database


@dataclass
class Services:
    """Every domain service, wired to one database and one clock."""

    settings: Settings
    db: Database
    clock: Clock
    audit: AuditService
    access: AccessService
    outbox: Outbox
    members: MemberService
    groups: GroupService
    officers: OfficerService
    flows: FlowService
    delivery: DeliveryWorker
    health: dict[str, object] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        settings: Settings,
        db: Database,
        *,
        clock: Clock | None = None,
        notifiers: Mapping[str, Notifier] | None = None,
    ) -> Services:
        """Wire the services together."""
        clock = clock or SystemClock()
        audit = AuditService(db, clock)
        access = AccessService(db, audit)
        outbox = Outbox(clock)
        return cls(
            settings=settings,
            db=db,
            clock=clock,
            audit=audit,
            access=access,
            outbox=outbox,
            members=MemberService(db, clock, audit),
            groups=GroupService(db, clock, audit, access, outbox, settings.service_name),
            officers=OfficerService(db, clock, audit, access),
            flows=FlowService(db, clock),
            delivery=DeliveryWorker(db, clock, notifiers or {}),
        )
