"""What most domain services depend on, handed over as one bundle."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.access import AccessService
from core.audit import AuditService
from core.clock import Clock
from core.delivery import Outbox, SmsKeywords
from core.erasure import Erasure
from core.links import FileLinks
from core.settings import Settings
from storage.engine import Database


@dataclass(frozen=True, slots=True)
class Shared:
    """The database, clock, settings, audit log, permission checks, outbox and registries."""

    db: Database
    clock: Clock
    settings: Settings
    audit: AuditService
    access: AccessService
    outbox: Outbox
    # The registries features plug into: the files a signed link opens, what /forget erases,
    # what the SMS number answers.
    links: FileLinks
    erasure: Erasure = field(default_factory=Erasure)
    sms_keywords: SmsKeywords = field(default_factory=SmsKeywords)


class SharedService:
    """A service built on the shared bundle (its parts become attributes)."""

    def __init__(self, shared: Shared) -> None:
        self.shared = shared
        self.db = shared.db
        self.clock = shared.clock
        self.settings = shared.settings
        self.audit = shared.audit
        self.access = shared.access
        self.outbox = shared.outbox
        self.links = shared.links
