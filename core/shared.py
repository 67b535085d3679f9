"""What most domain services depend on, handed over as one bundle."""

from __future__ import annotations

from dataclasses import dataclass

from core.access import AccessService
from core.audit import AuditService
from core.clock import Clock
from core.delivery import Outbox
from core.settings import Settings
from storage.engine import Database


@dataclass(frozen=True, slots=True)
class Shared:
    """The database, clock, settings, audit log, permission checks and outbox."""

    db: Database
    clock: Clock
    settings: Settings
    audit: AuditService
    access: AccessService
    outbox: Outbox


class SharedService:
    """A service built on the shared bundle (its parts become attributes)."""

    def __init__(self, shared: Shared) -> None:
        self.db = shared.db
        self.clock = shared.clock
        self.settings = shared.settings
        self.audit = shared.audit
        self.access = shared.access
        self.outbox = shared.outbox
